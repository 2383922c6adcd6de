package sentinel

import (
	"strings"

	"github.com/debrief-dev/debrief"
	"github.com/debrief-dev/debrief/ingest/internal/entity"
	"github.com/go-json-experiment/json"
	"github.com/go-json-experiment/json/jsontext"
)

// node is one object of a SecurityAlert's Entities: an entity, or a
// reference {"$ref": id} to an entity defined elsewhere in the array (at
// the top level or nested, as a process's ImageFile or Host). It holds the
// identifiers of every entity type debrief maps.
type node struct {
	ID   string `json:"$id"`
	Ref  string `json:"$ref"`
	Type string `json:"Type"`
	Name loose  `json:"Name"`

	// account
	NTDomain   loose `json:"NTDomain"`
	DNSDomain  loose `json:"DnsDomain"`
	UPNSuffix  loose `json:"UPNSuffix"`
	Sid        loose `json:"Sid"`
	AadUserID  loose `json:"AadUserId"`
	ObjectGUID loose `json:"ObjectGuid"`
	// host
	HostName      loose `json:"HostName"`
	NetBiosName   loose `json:"NetBiosName"`
	AzureID       loose `json:"AzureID"`
	OMSAgentID    loose `json:"OMSAgentID"`
	MdatpDeviceID loose `json:"MdatpDeviceId"`
	OSFamily      loose `json:"OSFamily"`
	// ip, url, dns, azure-resource
	Address    loose `json:"Address"`
	URL        loose `json:"Url"`
	DomainName loose `json:"DomainName"`
	ResourceID loose `json:"ResourceId"`
	// file, filehash
	Directory   loose   `json:"Directory"`
	SizeInBytes loose   `json:"SizeInBytes"`
	FileHashes  []*node `json:"FileHashes"`
	Algorithm   loose   `json:"Algorithm"`
	Value       loose   `json:"Value"`
	// process
	ProcessID       loose `json:"ProcessId"`
	CommandLine     loose `json:"CommandLine"`
	CreationTimeUtc loose `json:"CreationTimeUtc"`
	ImageFile       *node `json:"ImageFile"`
	ParentProcess   *node `json:"ParentProcess"`
	Host            *node `json:"Host"`
	Account         *node `json:"Account"`
	// registry-key, registry-value
	Hive loose   `json:"Hive"`
	Key  keyNode `json:"Key"`
	// mailbox, mail-message, submission mail
	MailboxPrimaryAddress loose `json:"MailboxPrimaryAddress"`
	DisplayName           loose `json:"DisplayName"`
	Upn                   loose `json:"Upn"`
	NetworkMessageID      loose `json:"NetworkMessageId"`
	Recipient             loose `json:"Recipient"`
	Sender                loose `json:"Sender"`
	P1Sender              loose `json:"P1Sender"`
	Subject               loose `json:"Subject"`
	// cloud-application, iotdevice, security-group, mail-cluster
	AppID             loose   `json:"AppId"`
	SaasID            loose   `json:"SaasId"`
	DeviceID          loose   `json:"DeviceId"`
	DeviceName        loose   `json:"DeviceName"`
	GroupSID          loose   `json:"SID"`
	DistinguishedName loose   `json:"DistinguishedName"`
	Query             loose   `json:"Query"`
	Files             []*node `json:"Files"`
	Processes         []*node `json:"Processes"`
}

// keyNode is a registry Key: text in a registry-key, an entity (or a
// reference to one) in a registry-value.
type keyNode struct {
	text string
	node *node
}

// UnmarshalJSONFrom implements json.UnmarshalerFrom.
func (k *keyNode) UnmarshalJSONFrom(dec *jsontext.Decoder) error {
	if dec.PeekKind() == '{' {
		k.node = new(node)
		return json.UnmarshalDecode(dec, k.node)
	}
	var l loose
	err := l.UnmarshalJSONFrom(dec)
	k.text = string(l)
	return err
}

// graph indexes the entities of one alert by $id.
type graph map[string]*node

func (g graph) index(n *node) {
	if n == nil || n.Ref != "" {
		return
	}
	if n.ID != "" {
		if _, dup := g[n.ID]; dup {
			return
		}
		g[n.ID] = n
	}
	for _, c := range n.children() {
		g.index(c)
	}
}

// resolve follows a reference.
func (g graph) resolve(n *node) *node {
	if n != nil && n.Ref != "" {
		return g[n.Ref]
	}
	return n
}

// children are the entities an entity holds, in a fixed order.
func (n *node) children() []*node {
	out := []*node{n.ImageFile, n.ParentProcess, n.Host, n.Account, n.Key.node}
	out = append(out, n.FileHashes...)
	out = append(out, n.Files...)
	return append(out, n.Processes...)
}

// entities maps the Entities column: every entity at the top level (a
// reference resolved) and every entity defined nested inside another,
// each once; malware becomes a threat name.
func (d *itemDecoder) entities(field string, raw embedded) ([]debrief.Entity, []string) {
	if len(raw) == 0 {
		return nil, nil
	}
	var list []*node
	if err := json.Unmarshal(raw, &list, decodeOpts); err != nil {
		d.dropErr(field, err)
		return nil, nil
	}
	g := graph{}
	for _, n := range list {
		g.index(n)
	}
	m := mapper{g: g, seen: map[*node]bool{}, keys: map[string]bool{}}
	for _, n := range list {
		m.visit(g.resolve(n))
	}
	return m.ents, m.threats
}

// mapper collects the entities of one alert without repeats.
type mapper struct {
	g       graph
	seen    map[*node]bool
	keys    map[string]bool
	ents    []debrief.Entity
	threats []string
}

func (m *mapper) visit(n *node) {
	if n == nil || n.Ref != "" || m.seen[n] {
		return
	}
	m.seen[n] = true
	if entity.Fold(n.Type) == "malware" {
		if name := string(n.Name); name != "" && !contains(m.threats, name) {
			m.threats = append(m.threats, name)
		}
	} else if e, ok := m.entity(n); ok && !m.keys[e.Key()] {
		m.keys[e.Key()] = true
		m.ents = append(m.ents, e)
	}
	for _, c := range n.children() {
		if c != nil && c.Type != "" {
			m.visit(c)
		}
	}
}

func (m *mapper) entity(n *node) (debrief.Entity, bool) {
	switch entity.Fold(n.Type) {
	case "account":
		return account(n)
	case "host":
		return host(n)
	case "ip":
		return entity.LooseIP(string(n.Address))
	case "url":
		return entity.Simple(debrief.EntityURL, string(n.URL), "")
	case "file":
		return m.file(n)
	case "filehash":
		return fileHash(n)
	case "process":
		return m.process(n)
	case "registrykey":
		return entity.Simple(debrief.EntityRegistry, registryKey(n), "")
	case "registryvalue":
		return m.registryValue(n)
	case "mailbox":
		e, ok := entity.Simple(debrief.EntityMailbox, strings.ToLower(string(n.MailboxPrimaryAddress)), string(n.DisplayName))
		entity.SetAttr(&e, "upn", strings.ToLower(string(n.Upn)))
		return e, ok
	case "mailmessage", "submissionmail":
		return mailMessage(n)
	case "cloudapplication":
		return entity.Simple(debrief.EntityCloudApp, entity.FirstOf(nonZero(string(n.AppID)), nonZero(string(n.SaasID)), string(n.Name)), string(n.Name))
	case "azureresource":
		return entity.Simple(debrief.EntityCloudResource, string(n.ResourceID), "")
	case "dns":
		return entity.Simple(debrief.EntityDomain, strings.ToLower(string(n.DomainName)), "")
	case "iotdevice":
		return device(string(n.DeviceID), entity.FirstOf(string(n.DeviceName)), "")
	}
	e, ok := entity.Simple(debrief.EntityOther, entity.FirstOf(string(n.ObjectGUID), string(n.GroupSID), string(n.DistinguishedName), string(n.Query), string(n.Name)), string(n.Name))
	entity.SetAttr(&e, "type", n.Type)
	return e, ok
}

func account(n *node) (debrief.Entity, bool) {
	name := string(n.Name)
	upn := ""
	switch {
	case strings.Contains(name, "@"):
		upn = name
	case name != "" && n.UPNSuffix != "":
		upn = name + "@" + string(n.UPNSuffix)
	}
	return entity.User(upn, entity.FirstOf(string(n.NTDomain), string(n.DNSDomain)), name, string(n.Sid), entity.FirstOf(string(n.AadUserID), string(n.ObjectGUID)))
}

func host(n *node) (debrief.Entity, bool) {
	name := entity.FirstOf(string(n.HostName), string(n.NetBiosName))
	fqdn := ""
	if name != "" && n.DNSDomain != "" && !strings.Contains(name, ".") {
		fqdn = name + "." + string(n.DNSDomain)
	}
	e, ok := device(entity.FirstOf(string(n.MdatpDeviceID), string(n.AzureID), string(n.OMSAgentID)), name, fqdn)
	entity.SetAttr(&e, "os", string(n.OSFamily))
	return e, ok
}

func (m *mapper) file(n *node) (debrief.Entity, bool) {
	hashes := map[string]string{}
	for _, h := range n.FileHashes {
		if h = m.g.resolve(h); h != nil && h.Value != "" {
			hashes[entity.Fold(string(h.Algorithm))] = strings.ToLower(string(h.Value))
		}
	}
	return file(hashes, string(n.Directory), string(n.Name), string(n.SizeInBytes))
}

func fileHash(n *node) (debrief.Entity, bool) {
	return file(map[string]string{entity.Fold(string(n.Algorithm)): strings.ToLower(string(n.Value))}, "", "", "")
}

// process keys a process by device, pid and creation time, else by the
// hash of its command line.
func (m *mapper) process(n *node) (debrief.Entity, bool) {
	hostKey := ""
	if h := m.g.resolve(n.Host); h != nil {
		e, _ := host(h)
		hostKey = e.ID
	}
	pid, created, cmd := string(n.ProcessID), entity.NormTime(string(n.CreationTimeUtc)), string(n.CommandLine)
	e := debrief.Entity{Kind: debrief.EntityProcess}
	switch {
	case hostKey != "" && pid != "" && created != "":
		e.ID = hostKey + ":" + pid + ":" + created
	case cmd != "":
		e.ID = entity.Hash(cmd)
	case hostKey != "" && pid != "":
		e.ID = hostKey + ":" + pid + ":"
	default:
		return e, false
	}
	if img := m.g.resolve(n.ImageFile); img != nil {
		e.Name = string(img.Name)
		entity.SetAttr(&e, "image", entity.JoinPath(string(img.Directory), string(img.Name)))
	}
	entity.SetAttr(&e, "command_line", cmd)
	entity.SetAttr(&e, "pid", pid)
	return e, true
}

func registryKey(n *node) string {
	hive, key := strings.TrimSpace(string(n.Hive)), strings.TrimSpace(n.Key.text)
	if hive == "" || key == "" || strings.HasPrefix(strings.ToUpper(key), strings.ToUpper(hive)) {
		return entity.FirstOf(key, hive)
	}
	return hive + `\` + key
}

func (m *mapper) registryValue(n *node) (debrief.Entity, bool) {
	key := ""
	if k := m.g.resolve(n.Key.node); k != nil {
		key = registryKey(k)
	}
	if key == "" {
		return debrief.Entity{}, false
	}
	id := key
	if n.Name != "" {
		id += `\` + string(n.Name)
	}
	e, ok := entity.Simple(debrief.EntityRegistry, id, string(n.Name))
	entity.SetAttr(&e, "value_data", string(n.Value))
	return e, ok
}

func mailMessage(n *node) (debrief.Entity, bool) {
	e, ok := entity.Simple(debrief.EntityMailMessage, strings.ToLower(string(n.NetworkMessageID)), string(n.Subject))
	entity.SetAttr(&e, "subject", string(n.Subject))
	entity.SetAttr(&e, "sender", strings.ToLower(entity.FirstOf(string(n.Sender), string(n.P1Sender))))
	entity.SetAttr(&e, "recipient", strings.ToLower(string(n.Recipient)))
	return e, ok
}

// device keys a device by its lower-case host name without domain, else
// by the vendor's device id.
func device(id, name, fqdn string) (debrief.Entity, bool) {
	lower := strings.ToLower(strings.TrimSpace(name))
	short := lower
	if !entity.IsIP(lower) {
		short, _, _ = strings.Cut(lower, ".")
	}
	e := debrief.Entity{Kind: debrief.EntityDevice, ID: entity.FirstOf(short, id), Name: name}
	entity.SetAttr(&e, "device_id", id)
	if fqdn == "" && strings.Contains(lower, ".") && !entity.IsIP(lower) {
		fqdn = lower
	}
	entity.SetAttr(&e, "fqdn", strings.ToLower(fqdn))
	return e, e.ID != ""
}

// file keys a file by SHA-256, else SHA-1, else MD5, else its path;
// hashes is keyed by folded algorithm name.
func file(hashes map[string]string, dir, name, size string) (debrief.Entity, bool) {
	path := entity.JoinPath(dir, name)
	e := debrief.Entity{Kind: debrief.EntityFile, ID: entity.FirstOf(hashes["sha256"], hashes["sha1"], hashes["md5"], path), Name: name}
	for _, alg := range []string{"sha256", "sha1", "md5"} {
		entity.SetAttr(&e, alg, hashes[alg])
	}
	entity.SetAttr(&e, "name", name)
	entity.SetAttr(&e, "path", path)
	entity.SetAttr(&e, "size", nonZero(size))
	return e, e.ID != ""
}

func nonZero(s string) string {
	if s == "0" {
		return ""
	}
	return s
}
