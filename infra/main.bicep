// Throughline on Azure: N identical app instances on App Service sharing one storage account's tables
// and queues (reached with the app's managed identity, no keys), secrets in Key Vault, Application
// Insights over a Log Analytics workspace, and the Azure Bot that connects Teams to /api/messages.
// Deployed by the Microsoft 365 Agents Toolkit (m365agents.yml) or `az deployment group create`.
targetScope = 'resourceGroup'

@description('Short name used to derive resource names.')
@minLength(3)
@maxLength(12)
param name string

param location string = resourceGroup().location

@description('App Service plan SKU; P1v3 or above for production.')
param planSku string = 'P1v3'

@description('App instances (scale-out). Every loop is built for N instances sharing storage.')
@minValue(1)
@maxValue(30)
param instances int = 2

@description('Entra app (client) id of the bot registration (BOT_ID).')
param botAppId string

@description('Client secret of the bot registration; stored in Key Vault, read by the app as BOT_PASSWORD.')
@secure()
param botPassword string

@description('SingleTenant (the bot registration lives in your tenant) or MultiTenant (older registrations).')
@allowed(['SingleTenant', 'MultiTenant'])
param botType string = 'SingleTenant'

@description('Entra app (client) id that Teams SSO tokens are issued for (AUTH_CLIENT_ID); often the bot\'s.')
param authClientId string

@description('The app\'s Application ID URI (api://…), also accepted as token audience; empty if none.')
param authAppIdUri string = ''

@description('The Teams app id (manifest "id").')
param teamsAppId string

@description('Entra tenants the app serves (comma-separated tenant ids).')
param allowedTenantIds string

@description('Secret (at least 32 characters) mixed into every BI API key hash. Keep it: a new one voids every key.')
@secure()
@minLength(32)
param apiKeyPepper string

@description('Public address of the app when it has a custom domain; the azurewebsites.net address otherwise.')
param appBaseUrl string = ''

@description('Seconds a stopping instance waits for requests and deliveries in hand before it exits.')
@minValue(5)
@maxValue(110)
param shutdownTimeoutSeconds int = 20

var suffix = uniqueString(resourceGroup().id, name)
var tenantId = subscription().tenantId

resource identity 'Microsoft.ManagedIdentity/userAssignedIdentities@2023-01-31' = {
  name: '${name}-id-${suffix}'
  location: location
}

module monitoring 'modules/monitoring.bicep' = {
  name: 'monitoring'
  params: {
    name: '${name}-${suffix}'
    location: location
  }
}

module storage 'modules/storage.bicep' = {
  name: 'storage'
  params: {
    accountName: toLower('${take(name, 10)}${take(suffix, 10)}')
    location: location
    principalId: identity.properties.principalId
  }
}

module secrets 'modules/keyvault.bicep' = {
  name: 'keyvault'
  params: {
    name: 'kv-${take(name, 8)}-${take(suffix, 10)}'
    location: location
    tenantId: tenantId
    principalId: identity.properties.principalId
    botPassword: botPassword
    apiKeyPepper: apiKeyPepper
  }
}

module app 'modules/app.bicep' = {
  name: 'app'
  params: {
    name: '${name}-${suffix}'
    location: location
    planSku: planSku
    instances: instances
    identityId: identity.id
    identityClientId: identity.properties.clientId
    storageAccountName: storage.outputs.accountName
    botAppId: botAppId
    botType: botType
    botTenantId: tenantId
    botPasswordSecretUri: secrets.outputs.botPasswordSecretUri
    apiKeyPepperSecretUri: secrets.outputs.apiKeyPepperSecretUri
    authClientId: authClientId
    authAppIdUri: authAppIdUri
    teamsAppId: teamsAppId
    allowedTenantIds: allowedTenantIds
    appBaseUrl: appBaseUrl
    applicationInsightsConnectionString: monitoring.outputs.applicationInsightsConnectionString
    logAnalyticsWorkspaceId: monitoring.outputs.logAnalyticsWorkspaceId
    shutdownTimeoutSeconds: shutdownTimeoutSeconds
  }
}

module bot 'modules/bot.bicep' = {
  name: 'bot'
  params: {
    name: '${name}-bot-${suffix}'
    botAppId: botAppId
    botType: botType
    tenantId: tenantId
    endpoint: '${app.outputs.baseUrl}/api/messages'
  }
}

// Names the Agents Toolkit writes into env/.env.{environment} after provisioning.
output BOT_AZURE_APP_SERVICE_RESOURCE_ID string = app.outputs.siteId
output APP_DOMAIN string = app.outputs.hostName
output APP_BASE_URL string = app.outputs.baseUrl
output STORAGE_ACCOUNT_NAME string = storage.outputs.accountName
