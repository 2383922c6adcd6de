// Package simulate writes synthetic SOC histories in the vendors' own
// export formats, together with a ground truth that says what was planted.
//
// A Scenario (YAML; DefaultScenario is embedded) describes an
// organisation, the ATT&CK groups and campaigns that attack it, the scripted
// attack paths of Microsoft's first-incident guide, everyday benign and
// false-positive alerts, a SOC with shifts and skill profiles, and the gaps
// and trends planted in it. A Generator turns it, with a seed, into
// debrief.Incidents in time order; Run writes them day by day in one or more
// formats (defender, graph, sentinel, elastic, wazuh, ocsf) and writes
// ground-truth.json (see GROUND_TRUTH.md). The same seed gives the same
// bytes.
package simulate
