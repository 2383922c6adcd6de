package defender

import (
	"fmt"
	"net/netip"
	"strconv"
	"strings"

	"github.com/debrief-dev/debrief"
	"github.com/debrief-dev/debrief/ingest/internal/entity"
	"github.com/debrief-dev/debrief/ingest/internal/recerr"
	"github.com/debrief-dev/debrief/ingest/internal/wire"
)

// mapEntities gathers an alert's devices and entities, without exact
// duplicates.
func mapEntities(w *alert, p *problems) []debrief.Entity {
	if len(w.Devices)+len(w.Entities) == 0 {
		return nil
	}
	out := make([]debrief.Entity, 0, len(w.Devices)+len(w.Entities))
	for _, d := range w.Devices {
		if e, ok := deviceEntity(d); ok {
			out = entity.AppendNew(out, e)
		}
	}
	for i := range w.Entities {
		if e, ok := mapEntity(&w.Entities[i], w.Devices, p, i); ok {
			out = entity.AppendNew(out, e)
		}
	}
	return out
}

func deviceEntity(d device) (debrief.Entity, bool) {
	vendorID := entity.FirstOf(d.MdatpDeviceID, d.DeviceID)
	e := debrief.Entity{Kind: debrief.EntityDevice, ID: entity.HostID(d.DeviceDNSName), Name: strings.TrimSpace(d.DeviceDNSName)}
	if e.ID == "" {
		e.ID = entity.FirstOf(vendorID, d.AadDeviceID)
	}
	e.Attributes = entity.TrimmedAttrs("device_id", vendorID, "aad_device_id", d.AadDeviceID,
		"fqdn", wire.Lower(strings.TrimSpace(d.DeviceDNSName)), "os", d.OsPlatform)
	return e, e.ID != ""
}

// mapEntity maps one entity by its entityType; ok is false when it names
// nothing debrief can key.
func mapEntity(w *alertEntity, devices []device, p *problems, i int) (debrief.Entity, bool) {
	var e debrief.Entity
	switch strings.ToLower(strings.TrimSpace(w.EntityType)) {
	case "user", "account":
		e = userEntity(w.UserPrincipalName, w.DomainName, w.AccountName, w.UserSid, w.AadUserID)
	case "ip":
		addr, err := netip.ParseAddr(strings.TrimSpace(w.IPAddress))
		if err != nil {
			p.Add(entityField(i, "ipAddress"), fmt.Sprintf("want an IP address, got %q", recerr.Clip(w.IPAddress)))
			return e, false
		}
		e = debrief.Entity{Kind: debrief.EntityIP, ID: addr.String()}
	case "url":
		e = debrief.Entity{Kind: debrief.EntityURL, ID: strings.TrimSpace(w.URL)}
	case "file":
		e = fileEntity(w.Sha256, w.Sha1, w.Md5, w.FileName, w.FilePath, "")
		e.Attributes = entity.With(e.Attributes, "device_id", w.DeviceID)
	case "process":
		e = processEntity(w, devices, p, i)
	case "mailbox":
		e = mailboxEntity(w.MailboxAddress, w.UserPrincipalName, w.MailboxDisplayName)
	case "mailmessage":
		e = messageEntity(w.NetworkMessageID, w.Sender, w.Recipient, w.Subject, w.DeliveryAction)
	case "mailcluster":
		e = debrief.Entity{Kind: debrief.EntityOther, ID: entity.JoinNonEmpty(":", w.ClusterBy, w.ClusterByValue),
			Attributes: entity.TrimmedAttrs("type", "MailCluster")}
	case "registry", "registrykey", "registryvalue":
		e = registryEntity(w.RegistryHive, w.RegistryKey, w.RegistryValueName, w.RegistryValue, w.RegistryValueType)
	case "securitygroup":
		e = debrief.Entity{Kind: debrief.EntityOther, ID: strings.TrimSpace(w.SecurityGroupID), Name: w.SecurityGroupName,
			Attributes: entity.TrimmedAttrs("type", "SecurityGroup")}
	case "cloudapplication":
		e = debrief.Entity{Kind: debrief.EntityCloudApp, ID: entity.FirstOf(string(w.ApplicationID), w.ApplicationName), Name: w.ApplicationName}
	case "machine", "device":
		e = debrief.Entity{Kind: debrief.EntityDevice, ID: deviceKey(w.DeviceID, devices), Attributes: entity.TrimmedAttrs("device_id", w.DeviceID)}
	case "azureresource":
		e = debrief.Entity{Kind: debrief.EntityCloudResource, ID: strings.TrimSpace(w.ResourceID)}
	default:
		e = otherEntity(w)
	}
	if e.ID == "" {
		return e, false
	}
	e.Verdict = wire.Lower(strings.TrimSpace(w.Verdict))
	if rs := wire.Lower(strings.TrimSpace(w.RemediationStatus)); rs != "" && rs != "none" && rs != "unknown" {
		e.Attributes = entity.With(e.Attributes, "remediation_status", rs)
	}
	return e, true
}

// otherEntity keeps an entity of a type debrief has no kind for, keyed by
// the first identifying field it has.
func otherEntity(w *alertEntity) debrief.Entity {
	id := entity.FirstOf(w.ResourceID, w.SecurityGroupID, string(w.ApplicationID), w.URL, w.IPAddress, w.UserPrincipalName,
		w.MailboxAddress, w.NetworkMessageID, w.Sha256, w.Sha1, w.FileName, w.DeviceID)
	return debrief.Entity{Kind: debrief.EntityOther, ID: id, Attributes: entity.TrimmedAttrs("type", strings.TrimSpace(w.EntityType))}
}

func entityField(i int, name string) string {
	return "entities[" + strconv.Itoa(i) + "]." + name
}

// deviceKey finds the key of the device with the given Defender id among
// an alert's devices; with no match, the only device of the alert, or the
// id itself.
func deviceKey(id string, devices []device) string {
	id = strings.TrimSpace(id)
	for _, d := range devices {
		if id != "" && (strings.EqualFold(d.MdatpDeviceID, id) || strings.EqualFold(d.DeviceID, id)) {
			if h := entity.HostID(d.DeviceDNSName); h != "" {
				return h
			}
		}
	}
	if id == "" && len(devices) == 1 {
		return entity.HostID(devices[0].DeviceDNSName)
	}
	return id
}

func userEntity(upn, domain, name, sid, objectID string) debrief.Entity {
	upn, domain, name = strings.TrimSpace(upn), strings.TrimSpace(domain), strings.TrimSpace(name)
	id := wire.Lower(upn)
	if id == "" && name != "" {
		id = entity.JoinNonEmpty(`\`, domain, name)
	}
	id = entity.FirstOf(id, sid, objectID)
	return debrief.Entity{Kind: debrief.EntityUser, ID: id, Name: name,
		Attributes: entity.TrimmedAttrs("upn", upn, "name", name, "domain", domain, "sid", sid, "object_id", objectID)}
}

func fileEntity(sha256, sha1, md5, name, dir, size string) debrief.Entity {
	sha256, sha1, md5 = wire.Lower(strings.TrimSpace(sha256)), wire.Lower(strings.TrimSpace(sha1)), wire.Lower(strings.TrimSpace(md5))
	full := entity.JoinPath(dir, name)
	return debrief.Entity{Kind: debrief.EntityFile, ID: entity.FirstOf(sha256, sha1, md5, full), Name: strings.TrimSpace(name),
		Attributes: entity.TrimmedAttrs("sha256", sha256, "sha1", sha1, "md5", md5, "name", name, "path", full, "size", size)}
}

func processEntity(w *alertEntity, devices []device, p *problems, i int) debrief.Entity {
	host := deviceKey(w.DeviceID, devices)
	created := p.Time(entityField(i, "processCreationTime"), w.ProcessCreationTime)
	cmd := strings.TrimSpace(w.ProcessCommandLine)
	return debrief.Entity{Kind: debrief.EntityProcess, ID: entity.ProcessID(host, string(w.ProcessID), created, cmd),
		Name: strings.TrimSpace(w.FileName),
		Attributes: entity.TrimmedAttrs("command_line", cmd, "pid", string(w.ProcessID), "parent_pid", string(w.ParentProcessID),
			"image", entity.JoinPath(w.FilePath, w.FileName), "device_id", w.DeviceID)}
}

func mailboxEntity(address, upn, display string) debrief.Entity {
	address, upn = strings.TrimSpace(address), strings.TrimSpace(upn)
	return debrief.Entity{Kind: debrief.EntityMailbox, ID: wire.Lower(entity.FirstOf(address, upn)), Name: strings.TrimSpace(display),
		Attributes: entity.TrimmedAttrs("upn", upn)}
}

// messageEntity keys a message by its network message id; without one, by
// a hash of sender, recipient and subject.
func messageEntity(networkID, sender, recipient, subject, delivery string) debrief.Entity {
	id := strings.TrimSpace(networkID)
	if id == "" && (sender != "" || recipient != "" || subject != "") {
		id = entity.Hash(strings.ToLower(sender) + "\n" + strings.ToLower(recipient) + "\n" + subject)
	}
	return debrief.Entity{Kind: debrief.EntityMailMessage, ID: id, Name: subject,
		Attributes: entity.TrimmedAttrs("sender", sender, "recipient", recipient, "subject", subject, "delivery_action", delivery)}
}

// registryEntity keys a registry entry as hive\key\value name.
func registryEntity(hive, key, valueName, value, valueType string) debrief.Entity {
	hive, key = strings.TrimSpace(hive), strings.Trim(strings.TrimSpace(key), `\`)
	if hive != "" && !strings.HasPrefix(strings.ToUpper(key), strings.ToUpper(hive)) {
		key = entity.JoinNonEmpty(`\`, hive, key)
	}
	id := key
	if key != "" {
		id = entity.JoinNonEmpty(`\`, key, strings.TrimSpace(valueName))
	}
	return debrief.Entity{Kind: debrief.EntityRegistry, ID: id,
		Attributes: entity.TrimmedAttrs("key", key, "value_name", valueName, "value", value, "value_type", valueType)}
}
