// Package sentinel pulls incidents from Microsoft Sentinel through the
// SecurityInsights REST API (api-version 2024-03-01) of Azure Resource
// Manager: Incidents - List, filtered by properties/lastModifiedTimeUtc
// from the checkpoint and paged by nextLink, then Incidents - List Alerts
// (POST …/incidents/{name}/alerts) for each incident of a page. Both are
// read by the ingest/sentinel decoder; the alerts are nested in their
// incident.
//
// Credentials are an app registration's client credentials for the scope
// https://management.azure.com/.default, with the Microsoft Sentinel
// Reader role on the workspace.
package sentinel
