// Package attribution ranks ATT&CK groups and campaigns by how much an
// intrusion resembles them, explains each candidate, and clusters a
// team's own incidents into campaigns.
//
// A Model holds one profile per candidate: a group's own techniques, the
// techniques of the campaigns attributed to it and of the software it
// uses (each with its weight), the software it uses, and its own id (so
// an actor name seen in an alert counts). Rank scores the Evidence of an
// intrusion (its techniques and the software and actor names its alerts
// show) with a smoothed Bernoulli naive-Bayes likelihood ratio against
// the background of all groups: a shared technique adds log((w + m·q) /
// (m·q)), where q is the share of groups whose profile holds it, so rare
// techniques weigh more than ubiquitous ones (an IDF over groups) and a
// large profile is not penalised. Sub-techniques also count, with a
// smaller weight, through their parent. (Options.Ranker weighs these
// terms and others, such as how much of the evidence a profile holds,
// apart: FittedRanker, fitted on groups' own reports, is not the default
// because it ranks ATT&CK's campaigns no better.) A Calibration turns
// scores into confidences: a softmax over the groups at a temperature that grows with
// the evidence size, then a top-label model that sets the best group's
// confidence from its share, the evidence size, how much of the evidence
// its profile holds and how large that profile is (see Calibration). It is fitted on groups' own data, never on ATT&CK's
// campaigns: on the development set of the groups' reports, each held out
// of the catalog (devSet), for the embedded catalog, ahead of time
// (calibration_table.go, go generate); New fits it for other catalogs on
// simulated partial observations of the groups' own technique sets.
// Below MinConfidence the result is "no confident attribution".
//
// Evaluate ranks all groups for each campaign ATT&CK attributes to one,
// for the Model and for baselines (Jaccard, naive Bayes), under the
// reference benchmark's main setting: loco_cite leaves the campaign out
// and drops what only its reports support (Protocol; loco, the campaign
// alone, on request).
//
// Cluster, or a Clusterer fed one incident at a time as a store streams
// them, groups incidents that share adversary infrastructure (public IP
// addresses, domains, senders, file hashes) within a time window; it
// indexes incidents by indicator and never compares all pairs.
package attribution
