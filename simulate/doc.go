// Package simulate writes synthetic SOC histories in the vendors' own
// export formats, together with a ground truth that says what was planted.
//
// A Scenario (YAML; DefaultScenario is embedded and documents every
// setting) describes an organisation, the ATT&CK groups and campaigns that
// attack it, the scripted attack paths of Microsoft's first-incident guide,
// everyday benign and false-positive alerts, a SOC with shifts and skill
// profiles, and the skill gaps and trends planted in it.
//
// A Generator turns a scenario and a seed into events in time order: each
// incident (a debrief.Incident with its alerts, entities, times, comments
// and history) as its export shows it at the end of each day it was
// created or changed, and the ground truth of each incident and of each
// attack nobody detected. Run writes those days in one or more formats
// (defender, graph, sentinel, elastic, wazuh, ocsf), one file per format
// and day, and ground-truth.json; GROUND_TRUTH.md describes the layout,
// the ids and every field of the ground truth.
//
// Everything random comes from a math/rand/v2 PCG source seeded by the
// caller, and nothing depends on map order: the same seed writes the same
// bytes. Generation, writing and the ground truth run on three goroutines;
// memory depends on the incidents open at once, not on the length of the
// simulation. The writers hand the incidents they have written back to
// the generator for reuse, and TuneGC sets the garbage collector for a
// process that runs Run (the command does): most of what Run allocates
// lives for one day's batch.
package simulate
