// The app's secrets, read by App Service as Key Vault references with the app's managed identity:
// nothing secret is stored in the app's settings.
param name string
param location string
param tenantId string

@description('The app\'s managed identity, granted read access to the secrets.')
param principalId string

@secure()
param botPassword string

@secure()
param apiKeyPepper string

resource vault 'Microsoft.KeyVault/vaults@2023-07-01' = {
  name: name
  location: location
  properties: {
    tenantId: tenantId
    sku: { family: 'A', name: 'standard' }
    enableRbacAuthorization: true
    enableSoftDelete: true
    enablePurgeProtection: true
  }
}

resource botPasswordSecret 'Microsoft.KeyVault/vaults/secrets@2023-07-01' = {
  parent: vault
  name: 'bot-password'
  properties: { value: botPassword }
}

resource apiKeyPepperSecret 'Microsoft.KeyVault/vaults/secrets@2023-07-01' = {
  parent: vault
  name: 'api-key-pepper'
  properties: { value: apiKeyPepper }
}

var keyVaultSecretsUser = '4633458b-17de-408a-b874-0445c86b69e6'

resource readSecrets 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  name: guid(vault.id, principalId, keyVaultSecretsUser)
  scope: vault
  properties: {
    principalId: principalId
    principalType: 'ServicePrincipal'
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', keyVaultSecretsUser)
  }
}

// Versionless URIs: App Service picks up a rotated secret within a day, or at once on restart.
output botPasswordSecretUri string = '${vault.properties.vaultUri}secrets/${botPasswordSecret.name}'
output apiKeyPepperSecretUri string = '${vault.properties.vaultUri}secrets/${apiKeyPepperSecret.name}'
