package graph

import "github.com/debrief-dev/debrief/ingest/internal/wire"

// The members of each wire type, for the scanner: one case per json tag
// of the struct, the same name and the same kind of value. Members not
// listed are skipped unread.
//
// The objects a record holds many of (its own members, evidence, files,
// users) are read with wire.Scanner.ObjectNamed: each member name has a
// number, the switch is on that number, and the scanner recognises most
// names by where they come rather than by reading them (see wire.Shape).
// The closure for ObjectNamed holds the member switch itself: a call
// less for each member of the bulk of a record. Anything but an object
// (null, or a value of the wrong kind, on which they give up) is left to
// wire.Null.

// The members of an alert, and after them those only incidents have.
const (
	aODataType = iota
	aID
	aProviderAlertID
	aIncidentID
	aStatus
	aSeverity
	aClassification
	aDetermination
	aServiceSource
	aDetectionSource
	aDetectorID
	aTitle
	aDescription
	aCategory
	aAssignedTo
	aAlertWebURL
	aIncidentWebURL
	aActorDisplayName
	aThreatDisplayName
	aThreatFamilyName
	aMitreTechniques
	aCreatedDateTime
	aLastUpdateDateTime
	aResolvedDateTime
	aFirstActivityDateTime
	aLastActivityDateTime
	aComments
	aEvidence
	aSystemTags

	// The members only incidents have.
	iRedirectIncidentID
	iDisplayName
	iSummary
	iTags
	iCustomTags
	iAlerts
)

// alertMembers counts the members of an alert: those before the
// incidents' own.
const alertMembers = iRedirectIncidentID

// recordNames numbers the members of incidents and alerts.
var recordNames = wire.NewNames([]string{
	aODataType:             "@odata.type",
	aID:                    "id",
	aProviderAlertID:       "providerAlertId",
	aIncidentID:            "incidentId",
	aStatus:                "status",
	aSeverity:              "severity",
	aClassification:        "classification",
	aDetermination:         "determination",
	aServiceSource:         "serviceSource",
	aDetectionSource:       "detectionSource",
	aDetectorID:            "detectorId",
	aTitle:                 "title",
	aDescription:           "description",
	aCategory:              "category",
	aAssignedTo:            "assignedTo",
	aAlertWebURL:           "alertWebUrl",
	aIncidentWebURL:        "incidentWebUrl",
	aActorDisplayName:      "actorDisplayName",
	aThreatDisplayName:     "threatDisplayName",
	aThreatFamilyName:      "threatFamilyName",
	aMitreTechniques:       "mitreTechniques",
	aCreatedDateTime:       "createdDateTime",
	aLastUpdateDateTime:    "lastUpdateDateTime",
	aResolvedDateTime:      "resolvedDateTime",
	aFirstActivityDateTime: "firstActivityDateTime",
	aLastActivityDateTime:  "lastActivityDateTime",
	aComments:              "comments",
	aEvidence:              "evidence",
	aSystemTags:            "systemTags",
	iRedirectIncidentID:    "redirectIncidentId",
	iDisplayName:           "displayName",
	iSummary:               "summary",
	iTags:                  "tags",
	iCustomTags:            "customTags",
	iAlerts:                "alerts",
})

// The members of a piece of evidence.
const (
	eODataType = iota
	eRoles
	eVerdict
	eRemediationStatus
	eDeviceDnsName
	eHostName
	eMdeDeviceID
	eAzureAdDeviceID
	eOsPlatform
	eUserAccount
	ePrimaryAddress
	eUPN
	eDisplayName
	eNetworkMessageID
	eSubject
	eSenderIP
	eRecipientEmailAddress
	eDeliveryAction
	eP1Sender
	eP2Sender
	eIPAddress
	eURL
	eFileDetails
	eImageFile
	eProcessID
	eParentProcessID
	eProcessCommandLine
	eProcessCreationDateTime
	eRegistryKey
	eRegistryHive
	eRegistryValueName
	eRegistryValue
	eRegistryValueType
	eAppID
	eInstanceName
	eObjectID
	ePublisher
	eResourceID
	eResourceName
	eResourceType
	eSecurityGroupID
	eActiveDirectoryObjectGUID
	eSid
	eClusterBy
	eClusterByValue
	eUrn
	eName
	eFullResourceName
	eAmazonResourceID
	eDomainName
)

// evidenceNames numbers the members of evidence.
var evidenceNames = wire.NewNames([]string{
	eODataType:                 "@odata.type",
	eRoles:                     "roles",
	eVerdict:                   "verdict",
	eRemediationStatus:         "remediationStatus",
	eDeviceDnsName:             "deviceDnsName",
	eHostName:                  "hostName",
	eMdeDeviceID:               "mdeDeviceId",
	eAzureAdDeviceID:           "azureAdDeviceId",
	eOsPlatform:                "osPlatform",
	eUserAccount:               "userAccount",
	ePrimaryAddress:            "primaryAddress",
	eUPN:                       "upn",
	eDisplayName:               "displayName",
	eNetworkMessageID:          "networkMessageId",
	eSubject:                   "subject",
	eSenderIP:                  "senderIp",
	eRecipientEmailAddress:     "recipientEmailAddress",
	eDeliveryAction:            "deliveryAction",
	eP1Sender:                  "p1Sender",
	eP2Sender:                  "p2Sender",
	eIPAddress:                 "ipAddress",
	eURL:                       "url",
	eFileDetails:               "fileDetails",
	eImageFile:                 "imageFile",
	eProcessID:                 "processId",
	eParentProcessID:           "parentProcessId",
	eProcessCommandLine:        "processCommandLine",
	eProcessCreationDateTime:   "processCreationDateTime",
	eRegistryKey:               "registryKey",
	eRegistryHive:              "registryHive",
	eRegistryValueName:         "registryValueName",
	eRegistryValue:             "registryValue",
	eRegistryValueType:         "registryValueType",
	eAppID:                     "appId",
	eInstanceName:              "instanceName",
	eObjectID:                  "objectId",
	ePublisher:                 "publisher",
	eResourceID:                "resourceId",
	eResourceName:              "resourceName",
	eResourceType:              "resourceType",
	eSecurityGroupID:           "securityGroupId",
	eActiveDirectoryObjectGUID: "activeDirectoryObjectGuid",
	eSid:                       "sid",
	eClusterBy:                 "clusterBy",
	eClusterByValue:            "clusterByValue",
	eUrn:                       "urn",
	eName:                      "name",
	eFullResourceName:          "fullResourceName",
	eAmazonResourceID:          "amazonResourceId",
	eDomainName:                "domainName",
})

// The members of a userAccount.
const (
	uAccountName = iota
	uAzureAdUserID
	uDisplayName
	uDomainName
	uUserPrincipalName
	uUserSid
)

// userNames numbers the members of userAccount.
var userNames = wire.NewNames([]string{
	uAccountName:       "accountName",
	uAzureAdUserID:     "azureAdUserId",
	uDisplayName:       "displayName",
	uDomainName:        "domainName",
	uUserPrincipalName: "userPrincipalName",
	uUserSid:           "userSid",
})

// The members of a fileDetails.
const (
	fFileName = iota
	fFilePath
	fSha1
	fSha256
	fMd5
	fFileSize
)

// fileNames numbers the members of fileDetails.
var fileNames = wire.NewNames([]string{
	fFileName: "fileName",
	fFilePath: "filePath",
	fSha1:     "sha1",
	fSha256:   "sha256",
	fMd5:      "md5",
	fFileSize: "fileSize",
})

// scanner's shapes: what its scanner learns of each kind of object,
// record after record.
type shapes struct {
	record, alert, evidence, user, file wire.Shape
}

// init gives each shape its names, once.
func (sh *shapes) init() {
	if sh.record.Names == nil {
		sh.record.Names, sh.alert.Names = recordNames, recordNames
		sh.evidence.Names, sh.user.Names, sh.file.Names = evidenceNames, userNames, fileNames
	}
}

// alert decodes an alert of an incident's alerts.
func (s *scanner) alert(a *alert) error {
	if s.Peek() != '{' {
		return wire.Null(&s.Scanner, a)
	}
	return s.ObjectNamed(&s.shapes.alert, func(id int) error {
		if id < alertMembers {
			return s.alertField(a, id)
		}
		return s.Skip()
	})
}

// record decodes an incident or an alert into w.
func (s *scanner) record(w *record) error {
	return s.ObjectNamed(&s.shapes.record, func(id int) error {
		if id < alertMembers {
			return s.alertField(&w.alert, id)
		}
		return s.incidentMember(w, id)
	})
}

// incidentMember decodes one member of an incident that alerts do not
// have.
func (s *scanner) incidentMember(w *record, id int) error {
	switch id {
	case iRedirectIncidentID:
		return s.String(&w.RedirectIncidentID)
	case iDisplayName:
		return s.String(&w.DisplayName)
	case iSummary:
		return s.String(&w.Summary)
	case iTags:
		return s.Strings(&w.Tags)
	case iCustomTags:
		return s.Strings(&w.CustomTags)
	case iAlerts:
		if w.Alerts == nil {
			w.Alerts = w.spareAlerts[:0]
		}
		return wire.Elems(&s.Scanner, &w.Alerts, s.alert)
	}
	return s.Skip()
}

// alertField decodes one member of an alert, or one an incident shares
// with alerts: id is below alertMembers.
func (s *scanner) alertField(a *alert, id int) error {
	switch id {
	case aODataType:
		return s.String(&a.ODataType)
	case aID:
		return s.String(&a.ID)
	case aProviderAlertID:
		return s.String(&a.ProviderAlertID)
	case aIncidentID:
		return s.String(&a.IncidentID)
	case aStatus:
		return s.String(&a.Status)
	case aSeverity:
		return s.String(&a.Severity)
	case aClassification:
		return s.String(&a.Classification)
	case aDetermination:
		return s.String(&a.Determination)
	case aServiceSource:
		return s.String(&a.ServiceSource)
	case aDetectionSource:
		return s.String(&a.DetectionSource)
	case aDetectorID:
		return s.String(&a.DetectorID)
	case aTitle:
		return s.String(&a.Title)
	case aDescription:
		return s.String(&a.Description)
	case aCategory:
		return s.String(&a.Category)
	case aAssignedTo:
		return s.String(&a.AssignedTo)
	case aAlertWebURL:
		return s.String(&a.AlertWebURL)
	case aIncidentWebURL:
		return s.String(&a.IncidentWebURL)
	case aActorDisplayName:
		return s.String(&a.ActorDisplayName)
	case aThreatDisplayName:
		return s.String(&a.ThreatDisplayName)
	case aThreatFamilyName:
		return s.String(&a.ThreatFamilyName)
	case aMitreTechniques:
		if a.MitreTechniques == nil { // a nested alert: reuse an array of the last record
			a.MitreTechniques = s.spareTechs.Get()
		}
		return s.Strings(&a.MitreTechniques)
	case aCreatedDateTime:
		return s.String(&a.CreatedDateTime)
	case aLastUpdateDateTime:
		return s.String(&a.LastUpdateDateTime)
	case aResolvedDateTime:
		return s.String(&a.ResolvedDateTime)
	case aFirstActivityDateTime:
		return s.String(&a.FirstActivityDateTime)
	case aLastActivityDateTime:
		return s.String(&a.LastActivityDateTime)
	case aComments:
		return wire.Elems(&s.Scanner, &a.Comments, func(c *comment) error { return wire.Members(&s.Scanner, c, s.commentMember) })
	case aEvidence:
		if a.Evidence == nil { // a nested alert: reuse an array of the last record
			a.Evidence = s.spare.Get()
		}
		return wire.Elems(&s.Scanner, &a.Evidence, s.evidence)
	case aSystemTags:
		return s.Strings(&a.SystemTags)
	}
	return s.Skip()
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
	return s.ObjectNamed(&s.shapes.evidence, func(id int) error {
		switch id {
		case eODataType:
			err := s.String(&e.ODataType)
			s.shapes.evidence.Layout(e.ODataType) // each type of evidence has its own members
			return err
		case eRoles:
			return s.StringsIn(&e.Roles, &s.roles)
		case eVerdict:
			return s.String(&e.Verdict)
		case eRemediationStatus:
			return s.String(&e.RemediationStatus)
		case eDeviceDnsName:
			return s.String(&e.DeviceDNSName)
		case eHostName:
			return s.String(&e.HostName)
		case eMdeDeviceID:
			return s.String(&e.MdeDeviceID)
		case eAzureAdDeviceID:
			return s.String(&e.AzureAdDeviceID)
		case eOsPlatform:
			return s.String(&e.OsPlatform)
		case eUserAccount:
			return s.userAccount(&e.UserAccount)
		case ePrimaryAddress:
			return s.String(&e.PrimaryAddress)
		case eUPN:
			return s.String(&e.Upn)
		case eDisplayName:
			return s.String(&e.DisplayName)
		case eNetworkMessageID:
			return s.String(&e.NetworkMessageID)
		case eSubject:
			return s.String(&e.Subject)
		case eSenderIP:
			return s.String(&e.SenderIP)
		case eRecipientEmailAddress:
			return s.String(&e.RecipientEmailAddress)
		case eDeliveryAction:
			return s.String(&e.DeliveryAction)
		case eP1Sender:
			return wire.PointerIn(&s.Scanner, &e.P1Sender, &s.senders, s.emailSenderMember)
		case eP2Sender:
			return wire.PointerIn(&s.Scanner, &e.P2Sender, &s.senders, s.emailSenderMember)
		case eIPAddress:
			return s.String(&e.IPAddress)
		case eURL:
			return s.String(&e.URL)
		case eFileDetails:
			return s.fileDetails(&e.FileDetails)
		case eImageFile:
			return s.fileDetails(&e.ImageFile)
		case eProcessID:
			return wire.Integer(&s.Scanner, &e.ProcessID)
		case eParentProcessID:
			return wire.Integer(&s.Scanner, &e.ParentProcessID)
		case eProcessCommandLine:
			return s.String(&e.ProcessCommandLine)
		case eProcessCreationDateTime:
			return s.String(&e.ProcessCreationDateTime)
		case eRegistryKey:
			return s.String(&e.RegistryKey)
		case eRegistryHive:
			return s.String(&e.RegistryHive)
		case eRegistryValueName:
			return s.String(&e.RegistryValueName)
		case eRegistryValue:
			return s.String(&e.RegistryValue)
		case eRegistryValueType:
			return s.String(&e.RegistryValueType)
		case eAppID:
			return wire.Integer(&s.Scanner, &e.AppID)
		case eInstanceName:
			return s.String(&e.InstanceName)
		case eObjectID:
			return s.String(&e.ObjectID)
		case ePublisher:
			return s.String(&e.Publisher)
		case eResourceID:
			return s.String(&e.ResourceID)
		case eResourceName:
			return s.String(&e.ResourceName)
		case eResourceType:
			return s.String(&e.ResourceType)
		case eSecurityGroupID:
			return s.String(&e.SecurityGroupID)
		case eActiveDirectoryObjectGUID:
			return s.String(&e.ActiveDirectoryObjectGUID)
		case eSid:
			return s.String(&e.Sid)
		case eClusterBy:
			return s.String(&e.ClusterBy)
		case eClusterByValue:
			return s.String(&e.ClusterByValue)
		case eUrn:
			return s.String(&e.Urn)
		case eName:
			return s.String(&e.Name)
		case eFullResourceName:
			return s.String(&e.FullResourceName)
		case eAmazonResourceID:
			return s.String(&e.AmazonResourceID)
		case eDomainName:
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
	return s.ObjectNamed(&s.shapes.user, func(id int) error {
		switch id {
		case uAccountName:
			return s.String(&u.AccountName)
		case uAzureAdUserID:
			return s.String(&u.AzureAdUserID)
		case uDisplayName:
			return s.String(&u.DisplayName)
		case uDomainName:
			return s.String(&u.DomainName)
		case uUserPrincipalName:
			return s.String(&u.UserPrincipalName)
		case uUserSid:
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
	return s.ObjectNamed(&s.shapes.file, func(id int) error {
		switch id {
		case fFileName:
			return s.String(&f.FileName)
		case fFilePath:
			return s.String(&f.FilePath)
		case fSha1:
			return s.String(&f.Sha1)
		case fSha256:
			return s.String(&f.Sha256)
		case fMd5:
			return s.String(&f.Md5)
		case fFileSize:
			return wire.Integer(&s.Scanner, &f.FileSize)
		}
		return s.Skip()
	})
}
