package hunting

import (
	"strings"

	"github.com/debrief-dev/debrief"
	"github.com/debrief-dev/debrief/ingest/internal/entity"
)

// evidenceEntity maps the entity of an AlertEvidence row, by EntityType,
// with the stable ids every decoder uses. Malware names no entity (its name
// goes to the alert's threat names) and neither does a row whose columns
// hold no identifier.
func evidenceEntity(r *row, x *extra) (debrief.Entity, bool) {
	e, ok := entityOf(r, x)
	if !ok {
		return e, false
	}
	e.Role = strings.ToLower(strings.TrimSpace(r.EvidenceRole))
	entity.SetAttr(&e, "direction", r.EvidenceDirection)
	return e, true
}

func entityOf(r *row, x *extra) (debrief.Entity, bool) {
	switch entity.Fold(r.EntityType) {
	case "machine", "device", "host":
		return device(r.DeviceID, r.DeviceName)
	case "user", "account":
		return entity.User(r.AccountUpn, r.AccountDomain, r.AccountName, r.AccountSid, r.AccountObjectID)
	case "file":
		return file(r.SHA256, r.SHA1, r.FolderPath, r.FileName, string(r.FileSize))
	case "process":
		return process(r, x)
	case "ip":
		return entity.LooseIP(entity.FirstOf(r.RemoteIP, r.LocalIP, string(x.Address)))
	case "url":
		return entity.Simple(debrief.EntityURL, entity.FirstOf(r.RemoteURL, string(x.URL)), "")
	case "mailmessage":
		return mailMessage(r, x)
	case "mailbox":
		return entity.Simple(debrief.EntityMailbox, strings.ToLower(entity.FirstOf(string(x.MailboxPrimaryAddress), r.AccountUpn)), r.AccountName)
	case "cloudapplication", "oauthapplication", "application":
		return cloudApp(r)
	case "registrykey", "registryvalue":
		return registry(r)
	case "azureresource", "amazonresource", "googlecloudresource", "cloudresource":
		return entity.Simple(debrief.EntityCloudResource, entity.FirstOf(r.ResourceID, string(x.ResourceID)), r.CloudResource)
	case "malware", "":
		return debrief.Entity{}, false
	}
	e, ok := entity.Simple(debrief.EntityOther, entity.FirstOf(string(x.Name), string(x.Query)), "")
	entity.SetAttr(&e, "type", r.EntityType)
	return e, ok
}

// malwareName is the name of a Malware evidence row.
func malwareName(r *row, x *extra) string {
	if entity.Fold(r.EntityType) != "malware" {
		return ""
	}
	return string(x.Name)
}

// device keys a device by its lower-case host name without domain, else
// by the Defender device id.
func device(id, name string) (debrief.Entity, bool) {
	e := debrief.Entity{Kind: debrief.EntityDevice, ID: hostKey(id, name), Name: name}
	entity.SetAttr(&e, "device_id", id)
	if fqdn := strings.ToLower(strings.TrimSpace(name)); strings.Contains(fqdn, ".") && !entity.IsIP(fqdn) {
		entity.SetAttr(&e, "fqdn", fqdn)
	}
	return e, e.ID != ""
}

func hostKey(id, name string) string {
	host := strings.ToLower(strings.TrimSpace(name))
	if !entity.IsIP(host) {
		host, _, _ = strings.Cut(host, ".")
	}
	return entity.FirstOf(host, strings.TrimSpace(id))
}

// file keys a file by lower-case SHA-256, else SHA-1, else its path.
func file(sha256, sha1, folder, name, size string) (debrief.Entity, bool) {
	sha256, sha1 = strings.ToLower(strings.TrimSpace(sha256)), strings.ToLower(strings.TrimSpace(sha1))
	path := entity.JoinPath(folder, name)
	e := debrief.Entity{Kind: debrief.EntityFile, ID: entity.FirstOf(sha256, sha1, path), Name: name}
	entity.SetAttr(&e, "sha256", sha256)
	entity.SetAttr(&e, "sha1", sha1)
	entity.SetAttr(&e, "name", name)
	entity.SetAttr(&e, "path", path)
	if size != "0" {
		entity.SetAttr(&e, "size", size)
	}
	return e, e.ID != ""
}

// process keys a process by device, pid and creation time, else by the
// hash of its command line.
func process(r *row, x *extra) (debrief.Entity, bool) {
	host, pid := hostKey(r.DeviceID, r.DeviceName), string(x.ProcessID)
	created := entity.NormTime(string(x.CreationTimeUtc))
	e := debrief.Entity{Kind: debrief.EntityProcess, Name: r.FileName}
	switch {
	case host != "" && pid != "" && created != "":
		e.ID = host + ":" + pid + ":" + created
	case r.ProcessCommandLine != "":
		e.ID = entity.Hash(r.ProcessCommandLine)
	case host != "" && pid != "":
		e.ID = host + ":" + pid + ":"
	default:
		return e, false
	}
	entity.SetAttr(&e, "command_line", r.ProcessCommandLine)
	entity.SetAttr(&e, "pid", pid)
	entity.SetAttr(&e, "image", entity.JoinPath(r.FolderPath, r.FileName))
	entity.SetAttr(&e, "sha256", strings.ToLower(r.SHA256))
	entity.SetAttr(&e, "sha1", strings.ToLower(r.SHA1))
	return e, true
}

func mailMessage(r *row, x *extra) (debrief.Entity, bool) {
	e, ok := entity.Simple(debrief.EntityMailMessage, strings.ToLower(r.NetworkMessageID), r.EmailSubject)
	entity.SetAttr(&e, "subject", r.EmailSubject)
	entity.SetAttr(&e, "sender", strings.ToLower(entity.FirstOf(string(x.Sender), string(x.P1Sender))))
	entity.SetAttr(&e, "recipient", strings.ToLower(string(x.Recipient)))
	return e, ok
}

func cloudApp(r *row) (debrief.Entity, bool) {
	id := string(r.ApplicationID)
	if id == "0" {
		id = ""
	}
	e, ok := entity.Simple(debrief.EntityCloudApp, entity.FirstOf(id, r.OAuthApplicationID, r.Application), r.Application)
	entity.SetAttr(&e, "oauth_app_id", r.OAuthApplicationID)
	return e, ok
}

// registry keys a registry entity by key\value.
func registry(r *row) (debrief.Entity, bool) {
	id := strings.TrimSpace(r.RegistryKey)
	if r.RegistryValueName != "" {
		id += `\` + r.RegistryValueName
	}
	e, ok := entity.Simple(debrief.EntityRegistry, id, r.RegistryValueName)
	entity.SetAttr(&e, "value_data", r.RegistryValueData)
	return e, ok && r.RegistryKey != ""
}
