// Package elastic decodes Elastic Security detection alerts, as documented in
// the Elastic Security "Alert schema" reference (the .alerts-security.alerts-*
// indices, kibana.alert.* fields) and its 7.x predecessor (the .siem-signals-*
// indices, signal.* fields), together with the Elastic Common Schema (ECS)
// fields the alert copies from its source event.
//
// Decode reads:
//
//   - NDJSON of whole documents ({"_index","_id","_source":{…}}) or of bare
//     _source objects, as written by elasticdump or a scroll loop;
//   - search responses ({"hits":{"hits":[…]}}), one record per hit;
//   - Kibana es_archive files ({"type":"doc","value":{"index","id","source"}},
//     pretty-printed documents one after another).
//
// Fields may be written as dotted flat keys ("kibana.alert.rule.name"), as
// nested objects ({"kibana":{"alert":{…}}}) or as any mix: the decoder walks
// the document once, checking it as it goes, and joins the names into dotted
// paths, which it looks up in a table of the fields it reads. When a field
// appears both ways the first occurrence wins.
//
// Every document becomes a lone alert (Elastic has no incidents; the
// correlate package groups alerts later). Its id is kibana.alert.uuid, else
// the document _id. The techniques of kibana.alert.rule.threat (or
// signal.rule.threat) are paired with their tactic; techniques and tactics
// of the ECS threat.* fields are kept unpaired. The device and user
// entities of recent documents are remembered and shared by the alerts
// that name the same host or user, attribute maps included: treat an
// alert's entities as read-only.
//
// Fields the alert model has no place for are not read: rule tags,
// kibana.alert.workflow_user, kibana.alert.building_block_type.
package elastic
