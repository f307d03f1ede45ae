// The Node.js app on App Service (Linux), scaled out to N identical, stateless instances.
param name string
param location string
param planSku string
param instances int
param identityId string
param identityClientId string
param tenantId string
param storageAccountName string
param allowedTenantIds string
param tabClientId string

resource plan 'Microsoft.Web/serverfarms@2023-12-01' = {
  name: '${name}-plan'
  location: location
  kind: 'linux'
  sku: { name: planSku, capacity: instances }
  properties: { reserved: true }
}

resource site 'Microsoft.Web/sites@2023-12-01' = {
  name: name
  location: location
  kind: 'app,linux'
  identity: {
    type: 'UserAssigned'
    userAssignedIdentities: { '${identityId}': {} }
  }
  properties: {
    serverFarmId: plan.id
    httpsOnly: true
    siteConfig: {
      linuxFxVersion: 'NODE|20-lts'
      appCommandLine: 'npm run serve'
      alwaysOn: true
      ftpsState: 'Disabled'
      minTlsVersion: '1.2'
      healthCheckPath: '/readyz'
      appSettings: [
        { name: 'NODE_ENV', value: 'production' }
        { name: 'STORAGE_ACCOUNT_NAME', value: storageAccountName }
        { name: 'AZURE_CLIENT_ID', value: identityClientId }
        { name: 'BOT_ID', value: identityClientId }
        { name: 'BOT_TYPE', value: 'UserAssignedMsi' }
        { name: 'BOT_TENANT_ID', value: tenantId }
        { name: 'ALLOWED_TENANT_IDS', value: allowedTenantIds }
        { name: 'TAB_CLIENT_ID', value: tabClientId }
        { name: 'SCM_DO_BUILD_DURING_DEPLOYMENT', value: 'true' }
      ]
    }
  }
}

output hostName string = site.properties.defaultHostName
