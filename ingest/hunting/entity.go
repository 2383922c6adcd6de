package hunting

import (
	"crypto/sha256"
	"encoding/hex"
	"net/netip"
	"strings"
	"time"

	"github.com/debrief-dev/debrief"
	"github.com/debrief-dev/debrief/ingest/internal/wire"
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
	setAttr(&e, "direction", r.EvidenceDirection)
	return e, true
}

func entityOf(r *row, x *extra) (debrief.Entity, bool) {
	switch fold(r.EntityType) {
	case "machine", "device", "host":
		return device(r.DeviceID, r.DeviceName)
	case "user", "account":
		return user(r.AccountUpn, r.AccountDomain, r.AccountName, r.AccountSid, r.AccountObjectID)
	case "file":
		return file(r.SHA256, r.SHA1, r.FolderPath, r.FileName, string(r.FileSize))
	case "process":
		return process(r, x)
	case "ip":
		return ip(first(r.RemoteIP, r.LocalIP, string(x.Address)))
	case "url":
		return simple(debrief.EntityURL, first(r.RemoteURL, string(x.URL)), "")
	case "mailmessage":
		return mailMessage(r, x)
	case "mailbox":
		return simple(debrief.EntityMailbox, strings.ToLower(first(string(x.MailboxPrimaryAddress), r.AccountUpn)), r.AccountName)
	case "cloudapplication", "oauthapplication", "application":
		return cloudApp(r)
	case "registrykey", "registryvalue":
		return registry(r)
	case "azureresource", "amazonresource", "googlecloudresource", "cloudresource":
		return simple(debrief.EntityCloudResource, first(r.ResourceID, string(x.ResourceID)), r.CloudResource)
	case "malware", "":
		return debrief.Entity{}, false
	}
	e, ok := simple(debrief.EntityOther, first(string(x.Name), string(x.Query)), "")
	setAttr(&e, "type", r.EntityType)
	return e, ok
}

// malwareName is the name of a Malware evidence row.
func malwareName(r *row, x *extra) string {
	if fold(r.EntityType) != "malware" {
		return ""
	}
	return string(x.Name)
}

func simple(kind debrief.EntityKind, id, name string) (debrief.Entity, bool) {
	id = strings.TrimSpace(id)
	return debrief.Entity{Kind: kind, ID: id, Name: name}, id != ""
}

// device keys a device by its lower-case host name without domain, else
// by the Defender device id.
func device(id, name string) (debrief.Entity, bool) {
	e := debrief.Entity{Kind: debrief.EntityDevice, ID: hostKey(id, name), Name: name}
	setAttr(&e, "device_id", id)
	if fqdn := strings.ToLower(strings.TrimSpace(name)); strings.Contains(fqdn, ".") && !isIP(fqdn) {
		setAttr(&e, "fqdn", fqdn)
	}
	return e, e.ID != ""
}

func hostKey(id, name string) string {
	host := strings.ToLower(strings.TrimSpace(name))
	if !isIP(host) {
		host, _, _ = strings.Cut(host, ".")
	}
	return first(host, strings.TrimSpace(id))
}

// user keys an account by lower-case UPN, else domain\name as written
// (the name alone without a domain), else SID, else object id: the keys
// the Defender and Graph decoders use, so that the same account matches.
func user(upn, domain, name, sid, oid string) (debrief.Entity, bool) {
	upn, domain, name = strings.ToLower(strings.TrimSpace(upn)), strings.TrimSpace(domain), strings.TrimSpace(name)
	dn := name
	if domain != "" && name != "" {
		dn = domain + `\` + name
	}
	e := debrief.Entity{Kind: debrief.EntityUser, ID: first(upn, dn, sid, oid), Name: first(name, upn)}
	setAttr(&e, "upn", upn)
	setAttr(&e, "sid", sid)
	setAttr(&e, "object_id", oid)
	setAttr(&e, "name", name)
	setAttr(&e, "domain", domain)
	return e, e.ID != ""
}

// file keys a file by lower-case SHA-256, else SHA-1, else its path.
func file(sha256, sha1, folder, name, size string) (debrief.Entity, bool) {
	sha256, sha1 = strings.ToLower(strings.TrimSpace(sha256)), strings.ToLower(strings.TrimSpace(sha1))
	path := joinPath(folder, name)
	e := debrief.Entity{Kind: debrief.EntityFile, ID: first(sha256, sha1, path), Name: name}
	setAttr(&e, "sha256", sha256)
	setAttr(&e, "sha1", sha1)
	setAttr(&e, "name", name)
	setAttr(&e, "path", path)
	if size != "0" {
		setAttr(&e, "size", size)
	}
	return e, e.ID != ""
}

// joinPath joins a folder and a file name, unless the folder already ends
// with the name (some tables put the full path in FolderPath).
func joinPath(folder, name string) string {
	folder, name = strings.TrimSpace(folder), strings.TrimSpace(name)
	switch {
	case folder == "":
		return name
	case name == "" || strings.HasSuffix(strings.ToLower(folder), strings.ToLower(name)):
		return folder
	}
	sep := `\`
	if strings.Contains(folder, "/") {
		sep = "/"
	}
	return strings.TrimRight(folder, sep) + sep + name
}

// process keys a process by device, pid and creation time, else by the
// hash of its command line.
func process(r *row, x *extra) (debrief.Entity, bool) {
	host, pid := hostKey(r.DeviceID, r.DeviceName), string(x.ProcessID)
	created := normTime(string(x.CreationTimeUtc))
	e := debrief.Entity{Kind: debrief.EntityProcess, Name: r.FileName}
	switch {
	case host != "" && pid != "" && created != "":
		e.ID = host + ":" + pid + ":" + created
	case r.ProcessCommandLine != "":
		e.ID = hashText(r.ProcessCommandLine)
	case host != "" && pid != "":
		e.ID = host + ":" + pid + ":"
	default:
		return e, false
	}
	setAttr(&e, "command_line", r.ProcessCommandLine)
	setAttr(&e, "pid", pid)
	setAttr(&e, "image", joinPath(r.FolderPath, r.FileName))
	setAttr(&e, "sha256", strings.ToLower(r.SHA256))
	setAttr(&e, "sha1", strings.ToLower(r.SHA1))
	return e, true
}

func hashText(s string) string {
	sum := sha256.Sum256([]byte(s))
	return hex.EncodeToString(sum[:])
}

func normTime(s string) string {
	t, err := wire.ParseTime(s)
	if err != nil || t.IsZero() {
		return strings.TrimSpace(s)
	}
	return t.Format(time.RFC3339Nano)
}

// ip keys an address as net/netip prints it.
func ip(s string) (debrief.Entity, bool) {
	s = strings.TrimSpace(s)
	if a, err := netip.ParseAddr(s); err == nil {
		s = a.String()
	}
	return debrief.Entity{Kind: debrief.EntityIP, ID: s}, s != ""
}

func isIP(s string) bool {
	_, err := netip.ParseAddr(s)
	return err == nil
}

func mailMessage(r *row, x *extra) (debrief.Entity, bool) {
	e, ok := simple(debrief.EntityMailMessage, strings.ToLower(r.NetworkMessageID), r.EmailSubject)
	setAttr(&e, "subject", r.EmailSubject)
	setAttr(&e, "sender", strings.ToLower(first(string(x.Sender), string(x.P1Sender))))
	setAttr(&e, "recipient", strings.ToLower(string(x.Recipient)))
	return e, ok
}

func cloudApp(r *row) (debrief.Entity, bool) {
	id := string(r.ApplicationID)
	if id == "0" {
		id = ""
	}
	e, ok := simple(debrief.EntityCloudApp, first(id, r.OAuthApplicationID, r.Application), r.Application)
	setAttr(&e, "oauth_app_id", r.OAuthApplicationID)
	return e, ok
}

// registry keys a registry entity by key\value.
func registry(r *row) (debrief.Entity, bool) {
	id := strings.TrimSpace(r.RegistryKey)
	if r.RegistryValueName != "" {
		id += `\` + r.RegistryValueName
	}
	e, ok := simple(debrief.EntityRegistry, id, r.RegistryValueName)
	setAttr(&e, "value_data", r.RegistryValueData)
	return e, ok && r.RegistryKey != ""
}

func setAttr(e *debrief.Entity, key, value string) {
	if value = strings.TrimSpace(value); value == "" {
		return
	}
	if e.Attributes == nil {
		e.Attributes = make(map[string]string, 4)
	}
	e.Attributes[key] = value
}

func first(vals ...string) string {
	for _, v := range vals {
		if v = strings.TrimSpace(v); v != "" {
			return v
		}
	}
	return ""
}

// fold lower-cases an entity type and drops separators: "mail-message",
// "MailMessage" and "mail_message" all give "mailmessage".
func fold(s string) string {
	var b strings.Builder
	b.Grow(len(s))
	for i := 0; i < len(s); i++ {
		switch c := s[i]; {
		case c >= 'A' && c <= 'Z':
			b.WriteByte(c + 'a' - 'A')
		case c == '-' || c == '_' || c == ' ':
		default:
			b.WriteByte(c)
		}
	}
	return b.String()
}
