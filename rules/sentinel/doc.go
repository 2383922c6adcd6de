// Package sentinel decodes Microsoft Sentinel analytics-rule templates
// (YAML, as in Azure/Azure-Sentinel) to debrief.Rule: relevantTechniques,
// tactics in PascalCase, severity, status, and the required data
// connectors with their data types as log sources. Invalid YAML and files
// that are not analytics rules are reported and skipped.
package sentinel
