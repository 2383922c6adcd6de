package simulate

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/debrief-dev/debrief"
)

// user is a person of the organisation, with a mailbox and a workstation.
type user struct {
	first, last string
	upn         string // first.last@domain
	sam         string
	dept        string
	device      int // index of the workstation
	entity      debrief.Entity
	mailbox     debrief.Entity
}

// device is a workstation or a server.
type device struct {
	host   string // lower-case host name
	fqdn   string
	ip     string
	server bool
	entity debrief.Entity
}

// org is the simulated organisation. Its users, devices and mailboxes
// recur across incidents.
type org struct {
	domain  string
	netbios string
	users   []user
	devices []device
	servers []int // device indexes
	admins  []int // user indexes of IT staff
	testers []int // user indexes of the security testers
	dcs     []int // domain controllers (device indexes)
	service debrief.Entity
}

var firstNames = []string{"Alex", "Amira", "Anders", "Aylin", "Bianca", "Carlos", "Chen", "Daniela", "David", "Elif",
	"Emma", "Fatima", "Felix", "Gabriel", "Hana", "Ines", "Isaac", "Jana", "Jonas", "Julia", "Kai", "Kenji", "Lara",
	"Leon", "Lucia", "Malik", "Marta", "Mateo", "Mia", "Nadia", "Noah", "Olga", "Omar", "Paula", "Priya", "Rafael",
	"Sara", "Sofia", "Tariq", "Tomas", "Uma", "Victor", "Wei", "Yara", "Yusuf", "Zoe"}

var lastNames = []string{"Adams", "Ahmed", "Almeida", "Bauer", "Becker", "Brown", "Costa", "Dubois", "Eriksen",
	"Fischer", "Garcia", "Gomez", "Hansen", "Ito", "Jensen", "Kaya", "Kim", "Kowalski", "Larsen", "Lopez", "Meyer",
	"Moreau", "Murphy", "Nakamura", "Nguyen", "Nielsen", "Novak", "Ortiz", "Park", "Petrov", "Quinn", "Rossi",
	"Santos", "Schmidt", "Silva", "Singh", "Tanaka", "Torres", "Vargas", "Walsh", "Weber", "Yilmaz", "Zhang"}

var departments = []string{"fin", "hr", "eng", "sales", "ops", "legal", "mkt", "eng", "sales", "ops"}

var serverRoles = []string{"dc", "dc", "file", "sql", "web", "app", "app", "print", "backup", "jump", "ca", "app"}

func newOrg(sc *Scenario, r *rng) *org {
	o := &org{domain: strings.ToLower(sc.Organisation.Domain)}
	o.netbios = strings.ToUpper(strings.Split(o.domain, ".")[0])
	domainSID := fmt.Sprintf("S-1-5-21-%d-%d-%d", 1000000000+r.IntN(1000000000), 1000000000+r.IntN(1000000000), 1000000000+r.IntN(1000000000))
	o.addUsers(sc, r, domainSID)
	o.addServers(sc, r)
	o.service = debrief.Entity{Kind: debrief.EntityUser, ID: `nt authority\system`, Name: "SYSTEM",
		Attributes: map[string]string{"name": "SYSTEM", "domain": "NT AUTHORITY", "sid": "S-1-5-18"}}
	return o
}

func (o *org) addUsers(sc *Scenario, r *rng, domainSID string) {
	n := sc.Organisation.Users
	names := make([][2]string, 0, len(firstNames)*len(lastNames))
	for _, f := range firstNames {
		for _, l := range lastNames {
			names = append(names, [2]string{f, l})
		}
	}
	r.Shuffle(len(names), func(i, j int) { names[i], names[j] = names[j], names[i] })
	seen := map[string]int{}
	for i := 0; i < n; i++ {
		nm := names[i%len(names)]
		sam := strings.ToLower(nm[0] + "." + nm[1])
		if k := seen[sam]; k > 0 {
			sam += strconv.Itoa(k + 1)
		}
		seen[strings.ToLower(nm[0]+"."+nm[1])]++
		dept := departments[r.IntN(len(departments))]
		switch {
		case i < sc.Organisation.Admins:
			dept = "it"
			o.admins = append(o.admins, i)
		case i < sc.Organisation.Admins+2:
			dept = "sec"
			o.testers = append(o.testers, i)
		}
		u := user{first: nm[0], last: nm[1], sam: sam, upn: sam + "@" + o.domain, dept: dept, device: len(o.devices)}
		host := fmt.Sprintf("ws-%s-%04d", dept, 100+i)
		o.devices = append(o.devices, o.newDevice(host, false, r))
		u.entity = debrief.Entity{Kind: debrief.EntityUser, ID: u.upn, Name: sam,
			Attributes: map[string]string{"upn": u.upn, "name": sam, "domain": o.netbios,
				"sid": domainSID + "-" + strconv.Itoa(1100+i), "object_id": r.guid(), "display_name": nm[0] + " " + nm[1]}}
		u.mailbox = debrief.Entity{Kind: debrief.EntityMailbox, ID: u.upn, Name: nm[0] + " " + nm[1],
			Attributes: map[string]string{"upn": u.upn}}
		o.users = append(o.users, u)
	}
}

func (o *org) addServers(sc *Scenario, r *rng) {
	count := map[string]int{}
	for i := 0; i < sc.Organisation.Servers; i++ {
		role := serverRoles[i%len(serverRoles)]
		count[role]++
		host := fmt.Sprintf("srv-%s-%02d", role, count[role])
		if role == "dc" {
			o.dcs = append(o.dcs, len(o.devices))
		}
		o.servers = append(o.servers, len(o.devices))
		o.devices = append(o.devices, o.newDevice(host, true, r))
	}
	if len(o.dcs) == 0 {
		o.dcs = append(o.dcs, o.servers[0])
	}
}

func (o *org) newDevice(host string, server bool, r *rng) device {
	d := device{host: host, fqdn: host + "." + o.domain, server: server,
		ip: fmt.Sprintf("10.%d.%d.%d", 10+r.IntN(40), r.IntN(256), 2+r.IntN(250))}
	osName := "Windows11"
	if server {
		osName = "WindowsServer2022"
	}
	d.entity = debrief.Entity{Kind: debrief.EntityDevice, ID: host, Name: d.fqdn,
		Attributes: map[string]string{"device_id": r.hex(20), "aad_device_id": r.guid(), "fqdn": d.fqdn, "os": osName,
			"ip": d.ip}}
	return d
}
