package graph

import (
	"cmp"
	"fmt"
	"hash/maphash"
	"maps"
	"net/netip"
	"strconv"
	"strings"

	"github.com/debrief-dev/debrief"
	"github.com/debrief-dev/debrief/ingest/internal/entity"
	"github.com/debrief-dev/debrief/ingest/internal/recerr"
	"github.com/debrief-dev/debrief/ingest/internal/wire"
)

// evidence is any alertEvidence: the members of the derived types debrief
// reads, told apart by @odata.type.
type evidence struct {
	ODataType         string   `json:"@odata.type"`
	Roles             []string `json:"roles"`
	Verdict           string   `json:"verdict"`
	RemediationStatus string   `json:"remediationStatus"`

	// deviceEvidence (hostName is beta)
	DeviceDNSName   string `json:"deviceDnsName"`
	HostName        string `json:"hostName"`
	MdeDeviceID     string `json:"mdeDeviceId"`
	AzureAdDeviceID string `json:"azureAdDeviceId"`
	OsPlatform      string `json:"osPlatform"`

	// userEvidence, mailboxEvidence, processEvidence
	UserAccount    *userAccount `json:"userAccount"`
	PrimaryAddress string       `json:"primaryAddress"`
	Upn            string       `json:"upn"`
	DisplayName    string       `json:"displayName"`

	// analyzedMessageEvidence
	NetworkMessageID      string       `json:"networkMessageId"`
	Subject               string       `json:"subject"`
	SenderIP              string       `json:"senderIp"`
	RecipientEmailAddress string       `json:"recipientEmailAddress"`
	DeliveryAction        string       `json:"deliveryAction"`
	P1Sender              *emailSender `json:"p1Sender"`
	P2Sender              *emailSender `json:"p2Sender"`

	// ipEvidence, urlEvidence
	IPAddress string `json:"ipAddress"`
	URL       string `json:"url"`

	// fileEvidence, processEvidence
	FileDetails             *fileDetails `json:"fileDetails"`
	ImageFile               *fileDetails `json:"imageFile"`
	ProcessID               number       `json:"processId"`
	ParentProcessID         number       `json:"parentProcessId"`
	ProcessCommandLine      string       `json:"processCommandLine"`
	ProcessCreationDateTime string       `json:"processCreationDateTime"`

	// registryKeyEvidence, registryValueEvidence
	RegistryKey       string `json:"registryKey"`
	RegistryHive      string `json:"registryHive"`
	RegistryValueName string `json:"registryValueName"`
	RegistryValue     string `json:"registryValue"`
	RegistryValueType string `json:"registryValueType"`

	// cloudApplicationEvidence (appId Int64), oauthApplicationEvidence
	// (appId String)
	AppID        number `json:"appId"`
	InstanceName string `json:"instanceName"`
	ObjectID     string `json:"objectId"`
	Publisher    string `json:"publisher"`

	// azureResourceEvidence
	ResourceID   string `json:"resourceId"`
	ResourceName string `json:"resourceName"`
	ResourceType string `json:"resourceType"`

	// securityGroupEvidence
	SecurityGroupID           string `json:"securityGroupId"`
	ActiveDirectoryObjectGUID string `json:"activeDirectoryObjectGuid"`
	Sid                       string `json:"sid"`

	// mailClusterEvidence
	ClusterBy      string `json:"clusterBy"`
	ClusterByValue string `json:"clusterByValue"`
	Urn            string `json:"urn"`

	// what other types (cloud resources of other providers, DNS …) key
	// themselves by
	Name             string `json:"name"`
	FullResourceName string `json:"fullResourceName"`
	AmazonResourceID string `json:"amazonResourceId"`
	DomainName       string `json:"domainName"`

	// typ is typeName(ODataType), which mapEvidence works out once for
	// each piece of evidence before it maps any (processes look at the
	// types of their alert's other evidence).
	typ string
}

type userAccount struct {
	AccountName       string `json:"accountName"`
	AzureAdUserID     string `json:"azureAdUserId"`
	DisplayName       string `json:"displayName"`
	DomainName        string `json:"domainName"`
	UserPrincipalName string `json:"userPrincipalName"`
	UserSid           string `json:"userSid"`
}

type emailSender struct {
	EmailAddress string `json:"emailAddress"`
	DisplayName  string `json:"displayName"`
	DomainName   string `json:"domainName"`
}

type fileDetails struct {
	FileName string `json:"fileName"`
	FilePath string `json:"filePath"`
	Sha1     string `json:"sha1"`
	Sha256   string `json:"sha256"`
	Md5      string `json:"md5"`
	FileSize number `json:"fileSize"`
}

// graphTypes is the namespace of Graph's security types, as @odata.type
// spells it.
const graphTypes = "#microsoft.graph.security."

// typeName is the evidence type without its namespace, first letter
// lower-case: "#microsoft.graph.security.AzureResourceEvidence" gives
// "azureResourceEvidence".
func typeName(odata string) string {
	var t string
	if n := len(graphTypes); len(odata) > n && odata[n-1] == '.' && strings.IndexByte(odata[n:], '.') < 0 {
		t = odata[n:] // the last dot is where Graph's namespace ends, as mostly: found without a search byte by byte
	} else {
		t = odata[strings.LastIndexByte(odata, '.')+1:]
	}
	if t != "" && t[0] >= 'A' && t[0] <= 'Z' {
		t = string(t[0]+'a'-'A') + t[1:]
	}
	return t
}

// mapEvidence turns an alert's evidence into entities, without exact
// duplicates. alertID keys evidence that has nothing else to key it.
func mapEvidence(ws []evidence, alertID string, p *problems) []debrief.Entity {
	if len(ws) == 0 {
		return nil
	}
	for i := range ws {
		ws[i].typ = typeName(ws[i].ODataType)
	}
	out := p.entities(len(ws))
	for i := range ws {
		// Mapped in place, at the end of out, and taken back when it
		// names nothing or is there already.
		n := len(out)
		out = out[:n+1]
		e := &out[n]
		shared, ok := p.memoOne(&ws[i], ws, i, e)
		if !ok {
			*e = debrief.Entity{}
			out = out[:n]
			continue
		}
		if e.ID == "" {
			e.ID = ws[i].typ + ":" + alertID + "#" + strconv.Itoa(i)
		}
		rs := lowerTrim(ws[i].RemediationStatus)
		remediated := rs != "" && rs != "none" && rs != "unknown"
		if shared && (remediated || len(ws[i].Roles) > 1) {
			e.Attributes = maps.Clone(e.Attributes) // its own, to add to
		}
		roles(e, ws[i].Roles)
		e.Verdict = lowerTrim(ws[i].Verdict)
		if remediated {
			e.Attributes = entity.With(e.Attributes, "remediation_status", rs)
		}
		if entity.Has(out[:n], e) {
			*e = debrief.Entity{}
			out = out[:n]
		}
	}
	return out
}

// entityMemo remembers the entities of recent device and user evidence
// by the members they are built from: the alerts of an export name the
// same devices and users again and again, and each entity, its attribute
// map included, is then built once and shared. (Files and processes vary
// more: a memo of them would mostly miss, and a miss costs more than
// building the entity.)
// Nothing writes to a decoded entity's attribute map (entity.Set.Merge
// gives an entity that gains attributes a map of its own, and
// mapEvidence clones a shared map before it adds roles or a remediation
// status), so sharing them is safe; the elastic decoder does the same.
type entityMemo struct {
	// Pairs of slots: a key new to the pair of its hash takes the first,
	// moving the one there to the second, so that two keys of one hash
	// do not evict each other at every alert.
	slots [4096]*memoEntry

	key []byte // the key being looked up, reused
}

// A memo key is the kind of evidence (a byte) and the members an entity
// is built from, each after a byte that gives its length: one string to
// hash and compare, which tells the members apart whatever they hold.
const (
	memoDevice = 'd'
	memoUser   = 'u'

	// memoKeyMax bounds a key; evidence whose key would be longer (a
	// member of more than 255 bytes, say) is not remembered.
	memoKeyMax = 512
)

// appendMemoKey appends the members ss, each after its length, to key,
// or reports that they do not fit.
func appendMemoKey(key []byte, ss ...string) ([]byte, bool) {
	for _, s := range ss {
		if len(s) > 255 || len(key)+1+len(s) > memoKeyMax {
			return key, false
		}
		key = append(append(key, byte(len(s))), s...)
	}
	return key, true
}

// memoMembers returns the members of key, a key of n members: views of
// key, whose first byte is its kind.
func memoMembers(key string, n int) []string {
	ms := make([]string, 0, n)
	for i := 1; i < len(key); {
		l := int(key[i])
		ms = append(ms, key[i+1:i+1+l])
		i += 1 + l
	}
	return ms
}

type memoEntry struct {
	key string
	e   debrief.Entity
}

var memoSeed = maphash.MakeSeed()

// get returns the entity of key, building it with build from the members
// of a copy of key the first time: the entity then holds no view of the
// record's buffer, which the memo would keep alive.
func (m *entityMemo) get(key []byte, n int, build func(ms []string) debrief.Entity) debrief.Entity {
	h := maphash.Bytes(memoSeed, key)
	i := h % uint64(len(m.slots)) &^ 1
	pair := m.slots[i : i+2 : i+2]
	for _, e := range pair {
		if e != nil && e.key == string(key) {
			return e.e
		}
	}
	k := string(key)
	nu := &memoEntry{key: k, e: build(memoMembers(k, n))}
	pair[1], pair[0] = pair[0], nu
	return nu.e
}

// memoOne is mapOne, with the entities of device and user evidence
// from p's memo when it has one; shared reports an entity from the memo,
// whose attribute map is not the caller's to write to.
func (p *problems) memoOne(w *evidence, all []evidence, i int, e *debrief.Entity) (shared, ok bool) {
	if p.memo == nil {
		return false, mapOne(w, all, p, i, e)
	}
	key, fits, n := p.memo.key[:0], false, 0
	var build func(ms []string) debrief.Entity
	switch w.typ {
	case "deviceEvidence":
		key, fits = appendMemoKey(append(key, memoDevice), w.DeviceDNSName, w.HostName, w.MdeDeviceID, w.AzureAdDeviceID, w.OsPlatform)
		n, build = 5, func(ms []string) debrief.Entity {
			return deviceEntity(&evidence{DeviceDNSName: ms[0], HostName: ms[1], MdeDeviceID: ms[2], AzureAdDeviceID: ms[3], OsPlatform: ms[4]})
		}
	case "userEvidence":
		u := w.UserAccount
		if u == nil {
			break
		}
		key, fits = appendMemoKey(append(key, memoUser), u.AccountName, u.AzureAdUserID, u.DisplayName, u.DomainName, u.UserPrincipalName, u.UserSid)
		n, build = 6, func(ms []string) debrief.Entity {
			return userEntity(&userAccount{AccountName: ms[0], AzureAdUserID: ms[1], DisplayName: ms[2], DomainName: ms[3], UserPrincipalName: ms[4], UserSid: ms[5]})
		}
	}
	p.memo.key = key
	if !fits {
		return false, mapOne(w, all, p, i, e)
	}
	*e = p.memo.get(key, n, build)
	return true, e.ID != ""
}

// mapOne maps one piece of evidence by its type into *e, which is zero.
// It reports false when the evidence names nothing (a device with no
// name or id); an entity of a type debrief has no kind for may come back
// with no id, for the caller to key.
func mapOne(w *evidence, all []evidence, p *problems, i int, e *debrief.Entity) bool {
	switch t := w.typ; t {
	case "deviceEvidence":
		*e = deviceEntity(w)
	case "userEvidence":
		*e = userEntity(w.UserAccount)
	case "mailboxEvidence":
		*e = mailboxEntity(w)
	case "analyzedMessageEvidence":
		*e = messageEntity(w)
	case "ipEvidence":
		ip := wire.TrimSpace(w.IPAddress)
		if entity.DottedQuad(ip) { // canonical already
			*e = debrief.Entity{Kind: debrief.EntityIP, ID: ip}
			break
		}
		addr, err := netip.ParseAddr(ip)
		if err != nil {
			p.Add(evidenceField(i, "ipAddress"), fmt.Sprintf("want an IP address, got %q", recerr.Clip(w.IPAddress)))
			return false
		}
		*e = debrief.Entity{Kind: debrief.EntityIP, ID: canonicalIP(addr, ip)}
	case "urlEvidence":
		*e = debrief.Entity{Kind: debrief.EntityURL, ID: wire.TrimSpace(w.URL)}
	case "fileEvidence":
		*e = fileEntity(w.FileDetails, w.MdeDeviceID, p)
	case "processEvidence":
		*e = processEntity(w, all, p, i)
	case "registryKeyEvidence", "registryValueEvidence":
		*e = registryEntity(w)
	case "cloudApplicationEvidence", "oauthApplicationEvidence":
		*e = debrief.Entity{Kind: debrief.EntityCloudApp, ID: entity.FirstOf(string(w.AppID), w.DisplayName), Name: wire.TrimSpace(w.DisplayName),
			Attributes: entity.TrimmedAttrs("instance_name", w.InstanceName, "object_id", w.ObjectID, "publisher", w.Publisher)}
	case "azureResourceEvidence":
		*e = debrief.Entity{Kind: debrief.EntityCloudResource, ID: wire.TrimSpace(w.ResourceID), Name: wire.TrimSpace(w.ResourceName),
			Attributes: entity.TrimmedAttrs("resource_type", w.ResourceType)}
	case "securityGroupEvidence":
		*e = debrief.Entity{Kind: debrief.EntityOther, ID: entity.FirstOf(w.SecurityGroupID, w.ActiveDirectoryObjectGUID, w.Sid),
			Name: wire.TrimSpace(w.DisplayName), Attributes: entity.TrimmedAttrs("type", t, "sid", w.Sid)}
	case "mailClusterEvidence":
		*e = debrief.Entity{Kind: debrief.EntityOther, ID: entity.FirstOf(entity.JoinNonEmpty(":", w.ClusterBy, w.ClusterByValue), w.Urn),
			Attributes: entity.TrimmedAttrs("type", t)}
	default:
		*e = debrief.Entity{Kind: debrief.EntityOther, ID: otherID(w), Name: wire.TrimSpace(entity.FirstOf(w.DisplayName, w.Name)),
			Attributes: entity.TrimmedAttrs("type", t)}
		return true
	}
	return e.ID != ""
}

// canonicalIP returns addr's text: text itself when it is written that
// way already, which saves making it again. netip reads IPv4 only in
// dotted decimal without leading zeros, which is the canonical form:
// text is it.
func canonicalIP(addr netip.Addr, text string) string {
	if addr.Is4() {
		return text
	}
	var buf [64]byte
	if b := addr.AppendTo(buf[:0]); string(b) != text {
		return string(b)
	}
	return text
}

// otherID keys evidence of a type debrief has no kind for by the first
// identifying member it has.
func otherID(w *evidence) string {
	return entity.FirstOf(w.ResourceID, w.AmazonResourceID, w.FullResourceName, w.URL, w.IPAddress, w.DomainName,
		w.HostName, w.DeviceDNSName, w.MdeDeviceID, w.NetworkMessageID, w.Name, w.DisplayName)
}

func evidenceField(i int, name string) string {
	return "evidence[" + strconv.Itoa(i) + "]." + name
}

// roles sets an entity's role from the first of its roles, keeping all of
// them as an attribute when there are several.
func roles(e *debrief.Entity, rs []string) {
	if len(rs) == 0 {
		return
	}
	e.Role = lowerTrim(rs[0])
	if len(rs) > 1 {
		all := make([]string, 0, len(rs))
		for _, r := range rs {
			if r = lowerTrim(r); r != "" {
				all = append(all, r)
			}
		}
		e.Attributes = entity.With(e.Attributes, "roles", strings.Join(all, ","))
	}
}

func deviceEntity(w *evidence) debrief.Entity {
	dns := entity.FirstOf(w.DeviceDNSName, w.HostName)
	e := debrief.Entity{Kind: debrief.EntityDevice, ID: entity.HostID(dns), Name: dns}
	if e.ID == "" {
		e.ID = entity.FirstOf(w.MdeDeviceID, w.AzureAdDeviceID)
	}
	e.Attributes = entity.TrimmedAttrs("device_id", w.MdeDeviceID, "aad_device_id", w.AzureAdDeviceID, "fqdn", wire.Lower(dns), "os", w.OsPlatform)
	return e
}

// deviceKey finds the key of the device with the given Defender id
// (trimmed) among the alert's device evidence; with no match, the only
// device of the alert, or the id itself.
func deviceKey(id string, all []evidence) string {
	only, devices := "", 0
	for i := range all {
		d := &all[i]
		if d.typ != "deviceEvidence" {
			continue
		}
		devices++
		host := entity.HostID(entity.FirstOf(d.DeviceDNSName, d.HostName))
		if id != "" && (d.MdeDeviceID == id || strings.EqualFold(d.MdeDeviceID, id)) && host != "" {
			return host
		}
		only = host
	}
	if id == "" && devices == 1 {
		return only
	}
	return id
}

func userEntity(u *userAccount) debrief.Entity {
	if u == nil {
		return debrief.Entity{}
	}
	upn, domain, name := wire.TrimSpace(u.UserPrincipalName), wire.TrimSpace(u.DomainName), wire.TrimSpace(u.AccountName)
	id := wire.Lower(upn)
	if id == "" && name != "" {
		id = entity.JoinNonEmpty(`\`, domain, name)
	}
	id = entity.FirstOf(id, u.UserSid, u.AzureAdUserID)
	return debrief.Entity{Kind: debrief.EntityUser, ID: id, Name: entity.FirstOf(u.DisplayName, name),
		Attributes: entity.TrimmedAttrs("upn", upn, "name", name, "domain", domain, "sid", u.UserSid, "object_id", u.AzureAdUserID)}
}

func mailboxEntity(w *evidence) debrief.Entity {
	upn := w.Upn
	if upn == "" && w.UserAccount != nil {
		upn = w.UserAccount.UserPrincipalName
	}
	return debrief.Entity{Kind: debrief.EntityMailbox, ID: lowerTrim(entity.FirstOf(w.PrimaryAddress, upn)), Name: wire.TrimSpace(w.DisplayName),
		Attributes: entity.TrimmedAttrs("upn", upn)}
}

// messageEntity keys a message by its network message id; without one, by
// a hash of sender, recipient and subject.
func messageEntity(w *evidence) debrief.Entity {
	sender := ""
	for _, s := range []*emailSender{w.P1Sender, w.P2Sender} {
		if s != nil && sender == "" {
			sender = wire.TrimSpace(s.EmailAddress)
		}
	}
	recipient, subject := wire.TrimSpace(w.RecipientEmailAddress), w.Subject
	id := wire.TrimSpace(w.NetworkMessageID)
	if id == "" && (sender != "" || recipient != "" || subject != "") {
		id = entity.Hash(strings.ToLower(sender) + "\n" + strings.ToLower(recipient) + "\n" + subject)
	}
	return debrief.Entity{Kind: debrief.EntityMailMessage, ID: id, Name: subject,
		Attributes: entity.TrimmedAttrs("sender", sender, "recipient", recipient, "subject", subject, "sender_ip", w.SenderIP, "delivery_action", w.DeliveryAction)}
}

// fileEntity is the entity of a file on the device with the given
// Defender id; a file evidence with no details gives one with the device
// id alone.
func fileEntity(f *fileDetails, deviceID string, p *problems) debrief.Entity {
	if f == nil {
		return debrief.Entity{Attributes: entity.TrimmedAttrs("device_id", deviceID)}
	}
	sha256, sha1, md5 := lowerTrim(f.Sha256), lowerTrim(f.Sha1), lowerTrim(f.Md5)
	name := wire.TrimSpace(f.FileName)
	full := joinPath(wire.TrimSpace(f.FilePath), name, p)
	// All trimmed: cmp.Or rather than entity.FirstOf, Attrs rather than
	// TrimmedAttrs (what is not trimmed yet is trimmed here).
	return debrief.Entity{Kind: debrief.EntityFile, ID: cmp.Or(sha256, sha1, md5, full), Name: name,
		Attributes: entity.Attrs("sha256", sha256, "sha1", sha1, "md5", md5, "name", name, "path", full, "size", wire.TrimSpace(string(f.FileSize)),
			"device_id", wire.TrimSpace(deviceID))}
}

// fullPath joins a folder and a file name with the folder's separator,
// unless the folder already ends with the name. Both are trimmed first,
// and so is what it returns.
func fullPath(dir, name string, p *problems) string {
	return joinPath(wire.TrimSpace(dir), wire.TrimSpace(name), p)
}

// joinPath is fullPath of a folder and name trimmed already.
func joinPath(dir, name string, p *problems) string {
	switch {
	case dir == "":
		return name
	case name == "" || len(dir) >= len(name) && strings.EqualFold(dir[len(dir)-len(name):], name):
		return dir
	}
	sep := `\`
	if strings.Contains(dir, "/") {
		sep = "/"
	}
	return p.concat(strings.TrimRight(dir, sep), sep, name)
}

func processEntity(w *evidence, all []evidence, p *problems, i int) debrief.Entity {
	device := wire.TrimSpace(w.MdeDeviceID)
	host := deviceKey(device, all)
	created, createdText, err := wire.ParseTimeText(w.ProcessCreationDateTime)
	if err != nil { // as p.Time, without naming the field of every process
		p.Add(evidenceField(i, "processCreationDateTime"), err.Error())
	}
	cmd := wire.TrimSpace(w.ProcessCommandLine)
	image, name := "", ""
	if w.ImageFile != nil {
		name = wire.TrimSpace(w.ImageFile.FileName)
		image = joinPath(wire.TrimSpace(w.ImageFile.FilePath), name, p)
	}
	user := ""
	if u := w.UserAccount; u != nil {
		if user = wire.TrimSpace(u.UserPrincipalName); user == "" {
			user = entity.JoinNonEmpty(`\`, u.DomainName, u.AccountName)
		}
	}
	var id [128]byte
	// Attrs, not TrimmedAttrs: cmd, image and user are trimmed already.
	return debrief.Entity{Kind: debrief.EntityProcess, ID: p.textOf(entity.AppendProcessIDText(id[:0], host, string(w.ProcessID), created, createdText, cmd)), Name: name,
		Attributes: entity.Attrs("command_line", cmd, "pid", wire.TrimSpace(string(w.ProcessID)), "parent_pid", wire.TrimSpace(string(w.ParentProcessID)),
			"image", image, "user", user, "device_id", device)}
}

// registryEntity keys a registry entry as hive\key\value name.
func registryEntity(w *evidence) debrief.Entity {
	hive, key := wire.TrimSpace(w.RegistryHive), strings.Trim(wire.TrimSpace(w.RegistryKey), `\`)
	if hive != "" && !(len(key) >= len(hive) && strings.EqualFold(key[:len(hive)], hive)) {
		key = entity.JoinNonEmpty(`\`, hive, key)
	}
	id := key
	if key != "" {
		id = entity.JoinNonEmpty(`\`, key, wire.TrimSpace(w.RegistryValueName))
	}
	return debrief.Entity{Kind: debrief.EntityRegistry, ID: id,
		Attributes: entity.TrimmedAttrs("key", key, "value_name", w.RegistryValueName, "value", w.RegistryValue, "value_type", w.RegistryValueType,
			"device_id", w.MdeDeviceID)}
}

// lowerTrim is wire.Lower(wire.TrimSpace(s)). The values of Graph's
// evidence enums that it writes in lower case (verdicts, remediation
// statuses, roles) it returns at once: they are most of what it gets.
func lowerTrim(s string) string {
	switch s {
	case "", "unknown", "suspicious", "malicious", "none", "remediated", "prevented", "blocked", "contextual", "scanned",
		"source", "destination", "created", "added", "compromised", "edited", "attacked", "attacker", "loaded":
		return s
	}
	return wire.Lower(wire.TrimSpace(s))
}
