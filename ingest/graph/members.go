package graph

// The members of each wire type, for the scanner: one case per json tag
// of the struct, the same name and the same kind of value. Members not
// listed are skipped unread.

// recordMember decodes one member of an incident or an alert.
func (s *scanner) recordMember(w *record, name []byte) error {
	switch string(name) {
	case "redirectIncidentId":
		return s.str(&w.RedirectIncidentID)
	case "displayName":
		return s.str(&w.DisplayName)
	case "summary":
		return s.str(&w.Summary)
	case "tags":
		return s.strs(&w.Tags)
	case "customTags":
		return s.strs(&w.CustomTags)
	case "alerts":
		return elems(s, &w.Alerts, func(a *alert) error { return members(s, a, s.alertMember) })
	}
	return s.alertMember(&w.alert, name)
}

// alertMember decodes one member of an alert, or one an incident shares
// with alerts.
func (s *scanner) alertMember(a *alert, name []byte) error {
	switch string(name) {
	case "@odata.type":
		return s.str(&a.ODataType)
	case "id":
		return s.str(&a.ID)
	case "providerAlertId":
		return s.str(&a.ProviderAlertID)
	case "incidentId":
		return s.str(&a.IncidentID)
	case "status":
		return s.str(&a.Status)
	case "severity":
		return s.str(&a.Severity)
	case "classification":
		return s.str(&a.Classification)
	case "determination":
		return s.str(&a.Determination)
	case "serviceSource":
		return s.str(&a.ServiceSource)
	case "detectionSource":
		return s.str(&a.DetectionSource)
	case "detectorId":
		return s.str(&a.DetectorID)
	case "title":
		return s.str(&a.Title)
	case "description":
		return s.str(&a.Description)
	case "category":
		return s.str(&a.Category)
	case "assignedTo":
		return s.str(&a.AssignedTo)
	case "alertWebUrl":
		return s.str(&a.AlertWebURL)
	case "incidentWebUrl":
		return s.str(&a.IncidentWebURL)
	case "actorDisplayName":
		return s.str(&a.ActorDisplayName)
	case "threatDisplayName":
		return s.str(&a.ThreatDisplayName)
	case "threatFamilyName":
		return s.str(&a.ThreatFamilyName)
	case "mitreTechniques":
		return s.strs(&a.MitreTechniques)
	case "createdDateTime":
		return s.str(&a.CreatedDateTime)
	case "lastUpdateDateTime":
		return s.str(&a.LastUpdateDateTime)
	case "resolvedDateTime":
		return s.str(&a.ResolvedDateTime)
	case "firstActivityDateTime":
		return s.str(&a.FirstActivityDateTime)
	case "lastActivityDateTime":
		return s.str(&a.LastActivityDateTime)
	case "comments":
		return elems(s, &a.Comments, func(c *comment) error { return members(s, c, s.commentMember) })
	case "evidence":
		return elems(s, &a.Evidence, func(e *evidence) error { return members(s, e, s.evidenceMember) })
	case "systemTags":
		return s.strs(&a.SystemTags)
	}
	return s.skip()
}

// commentMember decodes one member of a comment.
func (s *scanner) commentMember(c *comment, name []byte) error {
	switch string(name) {
	case "comment":
		return s.str(&c.Comment)
	case "createdByDisplayName":
		return s.str(&c.CreatedByDisplayName)
	case "createdDateTime":
		return s.str(&c.CreatedDateTime)
	case "createdBy":
		return s.str(&c.CreatedBy)
	case "createdTime":
		return s.str(&c.CreatedTime)
	}
	return s.skip()
}

// evidenceMember decodes one member of an alertEvidence.
func (s *scanner) evidenceMember(e *evidence, name []byte) error {
	switch string(name) {
	case "@odata.type":
		return s.str(&e.ODataType)
	case "roles":
		return s.strs(&e.Roles)
	case "verdict":
		return s.str(&e.Verdict)
	case "remediationStatus":
		return s.str(&e.RemediationStatus)
	case "deviceDnsName":
		return s.str(&e.DeviceDNSName)
	case "hostName":
		return s.str(&e.HostName)
	case "mdeDeviceId":
		return s.str(&e.MdeDeviceID)
	case "azureAdDeviceId":
		return s.str(&e.AzureAdDeviceID)
	case "osPlatform":
		return s.str(&e.OsPlatform)
	case "userAccount":
		return pointer(s, &e.UserAccount, s.userAccountMember)
	case "primaryAddress":
		return s.str(&e.PrimaryAddress)
	case "upn":
		return s.str(&e.Upn)
	case "displayName":
		return s.str(&e.DisplayName)
	case "networkMessageId":
		return s.str(&e.NetworkMessageID)
	case "subject":
		return s.str(&e.Subject)
	case "senderIp":
		return s.str(&e.SenderIP)
	case "recipientEmailAddress":
		return s.str(&e.RecipientEmailAddress)
	case "deliveryAction":
		return s.str(&e.DeliveryAction)
	case "p1Sender":
		return pointer(s, &e.P1Sender, s.emailSenderMember)
	case "p2Sender":
		return pointer(s, &e.P2Sender, s.emailSenderMember)
	case "ipAddress":
		return s.str(&e.IPAddress)
	case "url":
		return s.str(&e.URL)
	case "fileDetails":
		return pointer(s, &e.FileDetails, s.fileDetailsMember)
	case "imageFile":
		return pointer(s, &e.ImageFile, s.fileDetailsMember)
	case "processId":
		return s.num(&e.ProcessID)
	case "parentProcessId":
		return s.num(&e.ParentProcessID)
	case "processCommandLine":
		return s.str(&e.ProcessCommandLine)
	case "processCreationDateTime":
		return s.str(&e.ProcessCreationDateTime)
	case "registryKey":
		return s.str(&e.RegistryKey)
	case "registryHive":
		return s.str(&e.RegistryHive)
	case "registryValueName":
		return s.str(&e.RegistryValueName)
	case "registryValue":
		return s.str(&e.RegistryValue)
	case "registryValueType":
		return s.str(&e.RegistryValueType)
	case "appId":
		return s.num(&e.AppID)
	case "instanceName":
		return s.str(&e.InstanceName)
	case "objectId":
		return s.str(&e.ObjectID)
	case "publisher":
		return s.str(&e.Publisher)
	case "resourceId":
		return s.str(&e.ResourceID)
	case "resourceName":
		return s.str(&e.ResourceName)
	case "resourceType":
		return s.str(&e.ResourceType)
	case "securityGroupId":
		return s.str(&e.SecurityGroupID)
	case "activeDirectoryObjectGuid":
		return s.str(&e.ActiveDirectoryObjectGUID)
	case "sid":
		return s.str(&e.Sid)
	case "clusterBy":
		return s.str(&e.ClusterBy)
	case "clusterByValue":
		return s.str(&e.ClusterByValue)
	case "urn":
		return s.str(&e.Urn)
	case "name":
		return s.str(&e.Name)
	case "fullResourceName":
		return s.str(&e.FullResourceName)
	case "amazonResourceId":
		return s.str(&e.AmazonResourceID)
	case "domainName":
		return s.str(&e.DomainName)
	}
	return s.skip()
}

// userAccountMember decodes one member of a userAccount.
func (s *scanner) userAccountMember(u *userAccount, name []byte) error {
	switch string(name) {
	case "accountName":
		return s.str(&u.AccountName)
	case "azureAdUserId":
		return s.str(&u.AzureAdUserID)
	case "displayName":
		return s.str(&u.DisplayName)
	case "domainName":
		return s.str(&u.DomainName)
	case "userPrincipalName":
		return s.str(&u.UserPrincipalName)
	case "userSid":
		return s.str(&u.UserSid)
	}
	return s.skip()
}

// emailSenderMember decodes one member of an emailSender.
func (s *scanner) emailSenderMember(e *emailSender, name []byte) error {
	switch string(name) {
	case "emailAddress":
		return s.str(&e.EmailAddress)
	case "displayName":
		return s.str(&e.DisplayName)
	case "domainName":
		return s.str(&e.DomainName)
	}
	return s.skip()
}

// fileDetailsMember decodes one member of a fileDetails.
func (s *scanner) fileDetailsMember(f *fileDetails, name []byte) error {
	switch string(name) {
	case "fileName":
		return s.str(&f.FileName)
	case "filePath":
		return s.str(&f.FilePath)
	case "sha1":
		return s.str(&f.Sha1)
	case "sha256":
		return s.str(&f.Sha256)
	case "md5":
		return s.str(&f.Md5)
	case "fileSize":
		return s.num(&f.FileSize)
	}
	return s.skip()
}
