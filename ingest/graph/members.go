package graph

import "github.com/debrief-dev/debrief/ingest/internal/wire"

// The members of each wire type, for the scanner: one case per json tag
// of the struct, the same name and the same kind of value. Members not
// listed are skipped unread.
//
// The objects records hold many of (evidence, files, users) are read by
// a method whose closure for Object holds the member switch itself: Object
// calls it directly, not a closure that calls a member method, a call
// less for each member of the bulk of a record. Anything but an object
// (null, or a value of the wrong kind, on which they give up) is left to
// wire.Null.

// alert decodes an alert of an incident's alerts.
func (s *scanner) alert(a *alert) error {
	if s.Peek() != '{' {
		return wire.Null(&s.Scanner, a)
	}
	return s.Object(func(name []byte) error { return s.alertMember(a, name) })
}

// record decodes an incident or an alert into w: each member among
// those incidents share with alerts first, as most records are alerts,
// then among those only incidents have.
func (s *scanner) record(w *record) error {
	return s.Object(func(name []byte) error {
		if known, err := s.alertField(&w.alert, name); known {
			return err
		}
		return s.incidentMember(w, name)
	})
}

// incidentMember decodes one member of an incident that alerts do not
// have.
func (s *scanner) incidentMember(w *record, name []byte) error {
	switch string(name) {
	case "redirectIncidentId":
		return s.String(&w.RedirectIncidentID)
	case "displayName":
		return s.String(&w.DisplayName)
	case "summary":
		return s.String(&w.Summary)
	case "tags":
		return s.Strings(&w.Tags)
	case "customTags":
		return s.Strings(&w.CustomTags)
	case "alerts":
		if w.Alerts == nil {
			w.Alerts = w.spareAlerts[:0]
		}
		return wire.Elems(&s.Scanner, &w.Alerts, s.alert)
	}
	return s.Skip()
}

// alertMember decodes one member of an alert.
func (s *scanner) alertMember(a *alert, name []byte) error {
	if known, err := s.alertField(a, name); known {
		return err
	}
	return s.Skip()
}

// alertField decodes one member of an alert, or one an incident shares
// with alerts; known is false for other names, whose value it leaves.
func (s *scanner) alertField(a *alert, name []byte) (known bool, err error) {
	switch string(name) {
	case "@odata.type":
		return true, s.String(&a.ODataType)
	case "id":
		return true, s.String(&a.ID)
	case "providerAlertId":
		return true, s.String(&a.ProviderAlertID)
	case "incidentId":
		return true, s.String(&a.IncidentID)
	case "status":
		return true, s.String(&a.Status)
	case "severity":
		return true, s.String(&a.Severity)
	case "classification":
		return true, s.String(&a.Classification)
	case "determination":
		return true, s.String(&a.Determination)
	case "serviceSource":
		return true, s.String(&a.ServiceSource)
	case "detectionSource":
		return true, s.String(&a.DetectionSource)
	case "detectorId":
		return true, s.String(&a.DetectorID)
	case "title":
		return true, s.String(&a.Title)
	case "description":
		return true, s.String(&a.Description)
	case "category":
		return true, s.String(&a.Category)
	case "assignedTo":
		return true, s.String(&a.AssignedTo)
	case "alertWebUrl":
		return true, s.String(&a.AlertWebURL)
	case "incidentWebUrl":
		return true, s.String(&a.IncidentWebURL)
	case "actorDisplayName":
		return true, s.String(&a.ActorDisplayName)
	case "threatDisplayName":
		return true, s.String(&a.ThreatDisplayName)
	case "threatFamilyName":
		return true, s.String(&a.ThreatFamilyName)
	case "mitreTechniques":
		if a.MitreTechniques == nil { // a nested alert: reuse an array of the last record
			a.MitreTechniques = s.spareTechs.Get()
		}
		return true, s.Strings(&a.MitreTechniques)
	case "createdDateTime":
		return true, s.String(&a.CreatedDateTime)
	case "lastUpdateDateTime":
		return true, s.String(&a.LastUpdateDateTime)
	case "resolvedDateTime":
		return true, s.String(&a.ResolvedDateTime)
	case "firstActivityDateTime":
		return true, s.String(&a.FirstActivityDateTime)
	case "lastActivityDateTime":
		return true, s.String(&a.LastActivityDateTime)
	case "comments":
		return true, wire.Elems(&s.Scanner, &a.Comments, func(c *comment) error { return wire.Members(&s.Scanner, c, s.commentMember) })
	case "evidence":
		if a.Evidence == nil { // a nested alert: reuse an array of the last record
			a.Evidence = s.spare.Get()
		}
		return true, wire.Elems(&s.Scanner, &a.Evidence, s.evidence)
	case "systemTags":
		return true, s.Strings(&a.SystemTags)
	}
	return false, nil
}

// commentMember decodes one member of a comment.
func (s *scanner) commentMember(c *comment, name []byte) error {
	switch string(name) {
	case "comment":
		return s.String(&c.Comment)
	case "createdByDisplayName":
		return s.String(&c.CreatedByDisplayName)
	case "createdDateTime":
		return s.String(&c.CreatedDateTime)
	case "createdBy":
		return s.String(&c.CreatedBy)
	case "createdTime":
		return s.String(&c.CreatedTime)
	}
	return s.Skip()
}

// evidence decodes an alertEvidence of an alert's evidence.
func (s *scanner) evidence(e *evidence) error {
	if s.Peek() != '{' {
		return wire.Null(&s.Scanner, e)
	}
	return s.Object(func(name []byte) error {
		switch string(name) {
		case "@odata.type":
			return s.String(&e.ODataType)
		case "roles":
			return s.StringsIn(&e.Roles, &s.roles)
		case "verdict":
			return s.String(&e.Verdict)
		case "remediationStatus":
			return s.String(&e.RemediationStatus)
		case "deviceDnsName":
			return s.String(&e.DeviceDNSName)
		case "hostName":
			return s.String(&e.HostName)
		case "mdeDeviceId":
			return s.String(&e.MdeDeviceID)
		case "azureAdDeviceId":
			return s.String(&e.AzureAdDeviceID)
		case "osPlatform":
			return s.String(&e.OsPlatform)
		case "userAccount":
			return s.userAccount(&e.UserAccount)
		case "primaryAddress":
			return s.String(&e.PrimaryAddress)
		case "upn":
			return s.String(&e.Upn)
		case "displayName":
			return s.String(&e.DisplayName)
		case "networkMessageId":
			return s.String(&e.NetworkMessageID)
		case "subject":
			return s.String(&e.Subject)
		case "senderIp":
			return s.String(&e.SenderIP)
		case "recipientEmailAddress":
			return s.String(&e.RecipientEmailAddress)
		case "deliveryAction":
			return s.String(&e.DeliveryAction)
		case "p1Sender":
			return wire.PointerIn(&s.Scanner, &e.P1Sender, &s.senders, s.emailSenderMember)
		case "p2Sender":
			return wire.PointerIn(&s.Scanner, &e.P2Sender, &s.senders, s.emailSenderMember)
		case "ipAddress":
			return s.String(&e.IPAddress)
		case "url":
			return s.String(&e.URL)
		case "fileDetails":
			return s.fileDetails(&e.FileDetails)
		case "imageFile":
			return s.fileDetails(&e.ImageFile)
		case "processId":
			return wire.Integer(&s.Scanner, &e.ProcessID)
		case "parentProcessId":
			return wire.Integer(&s.Scanner, &e.ParentProcessID)
		case "processCommandLine":
			return s.String(&e.ProcessCommandLine)
		case "processCreationDateTime":
			return s.String(&e.ProcessCreationDateTime)
		case "registryKey":
			return s.String(&e.RegistryKey)
		case "registryHive":
			return s.String(&e.RegistryHive)
		case "registryValueName":
			return s.String(&e.RegistryValueName)
		case "registryValue":
			return s.String(&e.RegistryValue)
		case "registryValueType":
			return s.String(&e.RegistryValueType)
		case "appId":
			return wire.Integer(&s.Scanner, &e.AppID)
		case "instanceName":
			return s.String(&e.InstanceName)
		case "objectId":
			return s.String(&e.ObjectID)
		case "publisher":
			return s.String(&e.Publisher)
		case "resourceId":
			return s.String(&e.ResourceID)
		case "resourceName":
			return s.String(&e.ResourceName)
		case "resourceType":
			return s.String(&e.ResourceType)
		case "securityGroupId":
			return s.String(&e.SecurityGroupID)
		case "activeDirectoryObjectGuid":
			return s.String(&e.ActiveDirectoryObjectGUID)
		case "sid":
			return s.String(&e.Sid)
		case "clusterBy":
			return s.String(&e.ClusterBy)
		case "clusterByValue":
			return s.String(&e.ClusterByValue)
		case "urn":
			return s.String(&e.Urn)
		case "name":
			return s.String(&e.Name)
		case "fullResourceName":
			return s.String(&e.FullResourceName)
		case "amazonResourceId":
			return s.String(&e.AmazonResourceID)
		case "domainName":
			return s.String(&e.DomainName)
		}
		return s.Skip()
	})
}

// userAccount decodes a userAccount into *dst, from the scanner's slab
// when *dst is nil.
func (s *scanner) userAccount(dst **userAccount) error {
	if s.Peek() != '{' {
		return wire.Null(&s.Scanner, dst)
	}
	if *dst == nil {
		*dst = s.users.New()
	}
	u := *dst
	return s.Object(func(name []byte) error {
		switch string(name) {
		case "accountName":
			return s.String(&u.AccountName)
		case "azureAdUserId":
			return s.String(&u.AzureAdUserID)
		case "displayName":
			return s.String(&u.DisplayName)
		case "domainName":
			return s.String(&u.DomainName)
		case "userPrincipalName":
			return s.String(&u.UserPrincipalName)
		case "userSid":
			return s.String(&u.UserSid)
		}
		return s.Skip()
	})
}

// emailSenderMember decodes one member of an emailSender.
func (s *scanner) emailSenderMember(e *emailSender, name []byte) error {
	switch string(name) {
	case "emailAddress":
		return s.String(&e.EmailAddress)
	case "displayName":
		return s.String(&e.DisplayName)
	case "domainName":
		return s.String(&e.DomainName)
	}
	return s.Skip()
}

// fileDetails decodes a fileDetails (fileDetails, imageFile) into *dst,
// from the scanner's slab when *dst is nil.
func (s *scanner) fileDetails(dst **fileDetails) error {
	if s.Peek() != '{' {
		return wire.Null(&s.Scanner, dst)
	}
	if *dst == nil {
		*dst = s.files.New()
	}
	f := *dst
	return s.Object(func(name []byte) error {
		switch string(name) {
		case "fileName":
			return s.String(&f.FileName)
		case "filePath":
			return s.String(&f.FilePath)
		case "sha1":
			return s.String(&f.Sha1)
		case "sha256":
			return s.String(&f.Sha256)
		case "md5":
			return s.String(&f.Md5)
		case "fileSize":
			return wire.Integer(&s.Scanner, &f.FileSize)
		}
		return s.Skip()
	})
}
