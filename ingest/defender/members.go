package defender

import "github.com/debrief-dev/debrief/ingest/internal/wire"

// The members of each wire type, for the scanner: one case per json tag
// of the struct, the same name and the same kind of value. Members not
// listed are skipped unread.

// incidentMember decodes one member of an incident.
func (s *scanner) incidentMember(w *incident, name []byte) error {
	switch string(name) {
	case "incidentId":
		return wire.Integer(&s.Scanner, &w.IncidentID)
	case "redirectIncidentId":
		return wire.Integer(&s.Scanner, &w.RedirectIncidentID)
	case "incidentName":
		return s.String(&w.IncidentName)
	case "createdTime":
		return s.String(&w.CreatedTime)
	case "lastUpdateTime":
		return s.String(&w.LastUpdateTime)
	case "assignedTo":
		return s.String(&w.AssignedTo)
	case "classification":
		return s.String(&w.Classification)
	case "determination":
		return s.String(&w.Determination)
	case "status":
		return s.String(&w.Status)
	case "severity":
		return s.String(&w.Severity)
	case "tags":
		return s.Strings(&w.Tags)
	case "comments":
		return wire.Elems(&s.Scanner, &w.Comments, func(c *comment) error { return wire.Members(&s.Scanner, c, s.commentMember) })
	case "alerts":
		return wire.Elems(&s.Scanner, &w.Alerts, func(a *alert) error { return wire.Members(&s.Scanner, a, s.alertMember) })
	}
	return s.Skip()
}

// commentMember decodes one member of a comment.
func (s *scanner) commentMember(c *comment, name []byte) error {
	switch string(name) {
	case "comment":
		return s.String(&c.Comment)
	case "createdBy":
		return s.String(&c.CreatedBy)
	case "createdTime":
		return s.String(&c.CreatedTime)
	}
	return s.Skip()
}

// alertMember decodes one member of an alert.
func (s *scanner) alertMember(a *alert, name []byte) error {
	switch string(name) {
	case "alertId":
		return s.String(&a.AlertID)
	case "incidentId":
		return wire.Integer(&s.Scanner, &a.IncidentID)
	case "serviceSource":
		return s.String(&a.ServiceSource)
	case "detectionSource":
		return s.String(&a.DetectionSource)
	case "detectorId":
		return s.String(&a.DetectorID)
	case "creationTime":
		return s.String(&a.CreationTime)
	case "lastUpdatedTime":
		return s.String(&a.LastUpdatedTime)
	case "resolvedTime":
		return s.String(&a.ResolvedTime)
	case "firstActivity":
		return s.String(&a.FirstActivity)
	case "lastActivity":
		return s.String(&a.LastActivity)
	case "title":
		return s.String(&a.Title)
	case "description":
		return s.String(&a.Description)
	case "category":
		return s.String(&a.Category)
	case "status":
		return s.String(&a.Status)
	case "severity":
		return s.String(&a.Severity)
	case "classification":
		return s.String(&a.Classification)
	case "determination":
		return s.String(&a.Determination)
	case "assignedTo":
		return s.String(&a.AssignedTo)
	case "actorName":
		return s.String(&a.ActorName)
	case "threatFamilyName":
		return s.String(&a.ThreatFamilyName)
	case "threatName":
		return s.String(&a.ThreatName)
	case "mitreTechniques":
		return s.Strings(&a.MitreTechniques)
	case "devices":
		if a.Devices == nil { // reuse an array of the last record
			a.Devices = s.devices.Get()
		}
		return wire.Elems(&s.Scanner, &a.Devices, func(d *device) error { return wire.Members(&s.Scanner, d, s.deviceMember) })
	case "entities":
		if a.Entities == nil {
			a.Entities = s.entities.Get()
		}
		return wire.Elems(&s.Scanner, &a.Entities, func(e *alertEntity) error { return wire.Members(&s.Scanner, e, s.alertEntityMember) })
	}
	return s.Skip()
}

// deviceMember decodes one member of an alert's device.
func (s *scanner) deviceMember(d *device, name []byte) error {
	switch string(name) {
	case "mdatpDeviceId":
		return s.String(&d.MdatpDeviceID)
	case "deviceId":
		return s.String(&d.DeviceID)
	case "aadDeviceId":
		return s.String(&d.AadDeviceID)
	case "deviceDnsName":
		return s.String(&d.DeviceDNSName)
	case "osPlatform":
		return s.String(&d.OsPlatform)
	}
	return s.Skip()
}

// alertEntityMember decodes one member of an alert's entity.
func (s *scanner) alertEntityMember(a *alertEntity, name []byte) error {
	switch string(name) {
	case "entityType":
		return s.String(&a.EntityType)
	case "evidenceCreationTime":
		return s.String(&a.EvidenceCreationTime)
	case "verdict":
		return s.String(&a.Verdict)
	case "remediationStatus":
		return s.String(&a.RemediationStatus)
	case "deviceId":
		return s.String(&a.DeviceID)
	case "sha1":
		return s.String(&a.Sha1)
	case "sha256":
		return s.String(&a.Sha256)
	case "md5":
		return s.String(&a.Md5)
	case "fileName":
		return s.String(&a.FileName)
	case "filePath":
		return s.String(&a.FilePath)
	case "processId":
		return wire.Integer(&s.Scanner, &a.ProcessID)
	case "processCommandLine":
		return s.String(&a.ProcessCommandLine)
	case "processCreationTime":
		return s.String(&a.ProcessCreationTime)
	case "parentProcessId":
		return wire.Integer(&s.Scanner, &a.ParentProcessID)
	case "parentProcessFileName":
		return s.String(&a.ParentProcessFileName)
	case "ipAddress":
		return s.String(&a.IPAddress)
	case "url":
		return s.String(&a.URL)
	case "accountName":
		return s.String(&a.AccountName)
	case "domainName":
		return s.String(&a.DomainName)
	case "userSid":
		return s.String(&a.UserSid)
	case "aadUserId":
		return s.String(&a.AadUserID)
	case "userPrincipalName":
		return s.String(&a.UserPrincipalName)
	case "mailboxDisplayName":
		return s.String(&a.MailboxDisplayName)
	case "mailboxAddress":
		return s.String(&a.MailboxAddress)
	case "clusterBy":
		return s.String(&a.ClusterBy)
	case "clusterByValue":
		return s.String(&a.ClusterByValue)
	case "networkMessageId":
		return s.String(&a.NetworkMessageID)
	case "sender":
		return s.String(&a.Sender)
	case "recipient":
		return s.String(&a.Recipient)
	case "subject":
		return s.String(&a.Subject)
	case "deliveryAction":
		return s.String(&a.DeliveryAction)
	case "securityGroupId":
		return s.String(&a.SecurityGroupID)
	case "securityGroupName":
		return s.String(&a.SecurityGroupName)
	case "registryHive":
		return s.String(&a.RegistryHive)
	case "registryKey":
		return s.String(&a.RegistryKey)
	case "registryValueName":
		return s.String(&a.RegistryValueName)
	case "registryValueType":
		return s.String(&a.RegistryValueType)
	case "registryValue":
		return s.String(&a.RegistryValue)
	case "applicationId":
		return wire.Integer(&s.Scanner, &a.ApplicationID)
	case "applicationName":
		return s.String(&a.ApplicationName)
	case "resourceId":
		return s.String(&a.ResourceID)
	case "parentProcessCreationTime":
		return s.String(&a.ParentProcessCreationTime)
	}
	return s.Skip()
}
