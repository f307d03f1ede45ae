// The Node.js app on App Service (Linux): N identical, stateless instances running the built dist/ on
// production dependencies (npm run stage), health-checked on /readyz, logging to Log Analytics.
param name string
param location string
param planSku string
param instances int
param identityId string
param identityClientId string
param storageAccountName string
param botAppId string
param botType string
param botTenantId string
param botPasswordSecretUri string
param apiKeyPepperSecretUri string
param authClientId string
param authAppIdUri string
param teamsAppId string
param allowedTenantIds string
param appBaseUrl string
param applicationInsightsConnectionString string
param logAnalyticsWorkspaceId string
param shutdownTimeoutSeconds int

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
    // Key Vault references are resolved with the same identity that reads storage.
    keyVaultReferenceIdentity: identityId
    siteConfig: {
      linuxFxVersion: 'NODE|22-lts'
      // node itself, not npm: SIGTERM must reach the app for a graceful shutdown.
      appCommandLine: 'node --enable-source-maps dist/server/src/main.js'
      alwaysOn: true
      ftpsState: 'Disabled'
      minTlsVersion: '1.2'
      http20Enabled: true
      healthCheckPath: '/readyz'
    }
  }
}

var baseUrl = empty(appBaseUrl) ? 'https://${site.properties.defaultHostName}' : appBaseUrl

// Every setting the app's configuration (src/config.ts) needs in production; secrets are Key Vault
// references. tests/deploy/infra-settings.test.ts checks this list against the configuration schema.
resource appSettings 'Microsoft.Web/sites/config@2023-12-01' = {
  parent: site
  name: 'appsettings'
  properties: {
    NODE_ENV: 'production'
    STORAGE_ACCOUNT_NAME: storageAccountName
    AZURE_CLIENT_ID: identityClientId
    BOT_ID: botAppId
    BOT_PASSWORD: '@Microsoft.KeyVault(SecretUri=${botPasswordSecretUri})'
    BOT_TYPE: botType
    BOT_TENANT_ID: botTenantId
    ALLOWED_TENANT_IDS: allowedTenantIds
    AUTH_CLIENT_ID: authClientId
    AUTH_APP_ID_URI: authAppIdUri
    TEAMS_APP_ID: teamsAppId
    APP_BASE_URL: baseUrl
    API_KEY_PEPPER: '@Microsoft.KeyVault(SecretUri=${apiKeyPepperSecretUri})'
    APPLICATIONINSIGHTS_CONNECTION_STRING: applicationInsightsConnectionString
    SHUTDOWN_TIMEOUT_SECONDS: string(shutdownTimeoutSeconds)
    // The package is built and staged before deployment (npm run stage): nothing to build on the server.
    SCM_DO_BUILD_DURING_DEPLOYMENT: 'false'
  }
}

resource logs 'Microsoft.Web/sites/config@2023-12-01' = {
  parent: site
  name: 'logs'
  properties: {
    applicationLogs: { fileSystem: { level: 'Information' } }
    httpLogs: { fileSystem: { enabled: true, retentionInDays: 3, retentionInMb: 35 } }
  }
}

// The app's JSON log lines (stdout) and the platform's HTTP log, queryable beside the telemetry.
resource diagnostics 'Microsoft.Insights/diagnosticSettings@2021-05-01-preview' = {
  name: 'to-log-analytics'
  scope: site
  properties: {
    workspaceId: logAnalyticsWorkspaceId
    logs: [
      { category: 'AppServiceConsoleLogs', enabled: true }
      { category: 'AppServiceHTTPLogs', enabled: true }
      { category: 'AppServicePlatformLogs', enabled: true }
    ]
    metrics: [{ category: 'AllMetrics', enabled: true }]
  }
}

output siteId string = site.id
output hostName string = site.properties.defaultHostName
output baseUrl string = baseUrl
