// The Azure Bot registration that connects the app's /api/messages to Microsoft Teams.
param name string
param botAppId string
param botType string
param tenantId string
param endpoint string

resource bot 'Microsoft.BotService/botServices@2022-09-15' = {
  name: name
  location: 'global'
  kind: 'azurebot'
  sku: { name: 'S1' }
  properties: {
    displayName: 'Throughline'
    endpoint: endpoint
    msaAppType: botType
    msaAppId: botAppId
    msaAppTenantId: botType == 'SingleTenant' ? tenantId : ''
  }
}

resource teams 'Microsoft.BotService/botServices/channels@2022-09-15' = {
  parent: bot
  name: 'MsTeamsChannel'
  location: 'global'
  properties: {
    channelName: 'MsTeamsChannel'
    properties: { isEnabled: true }
  }
}
