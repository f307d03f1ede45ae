// Throughline on Azure: stateless app instances on App Service sharing one storage account's tables and
// queues, an Azure Bot registration for Teams, all reached with a user-assigned managed identity (no keys).
targetScope = 'resourceGroup'

@description('Short name used to derive resource names.')
@minLength(3)
@maxLength(12)
param name string

param location string = resourceGroup().location

@description('App Service plan SKU; P1v3 or above for production.')
param planSku string = 'P1v3'

@description('App instances. Every loop is built for N instances sharing storage.')
@minValue(1)
param instances int = 2

@description('Entra tenants the app serves (comma-separated tenant ids).')
param allowedTenantIds string

@description('Entra app (client) id of the tab SSO app registration.')
param tabClientId string = ''

var suffix = uniqueString(resourceGroup().id, name)

resource identity 'Microsoft.ManagedIdentity/userAssignedIdentities@2023-01-31' = {
  name: '${name}-id-${suffix}'
  location: location
}

module storage 'modules/storage.bicep' = {
  name: 'storage'
  params: {
    accountName: toLower('${take(name, 10)}${take(suffix, 10)}')
    location: location
    principalId: identity.properties.principalId
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
    tenantId: subscription().tenantId
    storageAccountName: storage.outputs.accountName
    allowedTenantIds: allowedTenantIds
    tabClientId: tabClientId
  }
}

module bot 'modules/bot.bicep' = {
  name: 'bot'
  params: {
    name: '${name}-bot-${suffix}'
    identityId: identity.id
    identityClientId: identity.properties.clientId
    tenantId: subscription().tenantId
    endpoint: 'https://${app.outputs.hostName}/api/messages'
  }
}

output appUrl string = 'https://${app.outputs.hostName}'
output botId string = identity.properties.clientId
output storageAccountName string = storage.outputs.accountName
