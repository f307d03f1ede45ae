// Where telemetry lands: a Log Analytics workspace, and Application Insights (workspace-based) over it.
// The app exports OpenTelemetry traces and metrics to Application Insights; App Service ships its console
// log (the app's JSON lines) to the same workspace (diagnostic settings in app.bicep).
param name string
param location string

@description('Days the workspace keeps logs and telemetry.')
param retentionInDays int = 30

resource workspace 'Microsoft.OperationalInsights/workspaces@2023-09-01' = {
  name: '${name}-logs'
  location: location
  properties: {
    sku: { name: 'PerGB2018' }
    retentionInDays: retentionInDays
  }
}

resource insights 'Microsoft.Insights/components@2020-02-02' = {
  name: '${name}-insights'
  location: location
  kind: 'web'
  properties: {
    Application_Type: 'web'
    WorkspaceResourceId: workspace.id
    IngestionMode: 'LogAnalytics'
  }
}

output logAnalyticsWorkspaceId string = workspace.id
output applicationInsightsConnectionString string = insights.properties.ConnectionString
