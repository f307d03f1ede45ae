import { CloudAdapter } from "botbuilder";
import {
  AuthenticationConfiguration,
  AuthenticationError,
  type BotFrameworkAuthentication,
  BotFrameworkAuthenticationFactory,
  JwtTokenProviderFactory,
  ManagedIdentityServiceClientCredentialsFactory,
  type ServiceClientCredentialsFactory,
} from "botframework-connector";
import type { BotConfig } from "../src/config.js";
import { ClientCredentialsFactory } from "./client-credentials.js";

const BOT_FRAMEWORK_SCOPE = "https://api.botframework.com";

/**
 * The botbuilder CloudAdapter for this deployment. Every endpoint it trusts or calls comes from config,
 * so the same validation runs against the real Bot Framework and, in tests, a local simulator of it.
 */
export function createBotAdapter(bot: BotConfig): CloudAdapter {
  const tenant = bot.appType === "MultiTenant" ? "botframework.com" : bot.appTenantId;
  const credentials: ServiceClientCredentialsFactory =
    bot.appType === "UserAssignedMsi"
      ? new ManagedIdentityServiceClientCredentialsFactory(bot.appId, new JwtTokenProviderFactory())
      : new ClientCredentialsFactory({
          appId: bot.appId,
          appPassword: bot.appPassword,
          tenant,
          loginUrl: bot.loginUrl,
        });
  const authentication = BotFrameworkAuthenticationFactory.create(
    "",
    true,
    `${bot.loginUrl}${tenant}`,
    BOT_FRAMEWORK_SCOPE,
    bot.channelIssuer,
    BOT_FRAMEWORK_SCOPE,
    bot.openIdMetadataUrl,
    // Emulator tokens are never accepted: point their metadata at the channel's as well.
    bot.openIdMetadataUrl,
    "urn:botframework:azure",
    credentials,
    new AuthenticationConfiguration(),
  );
  return new CloudAdapter(unauthorisedOnBadSignature(authentication));
}

/**
 * botbuilder turns an expired token into 401 but lets other token errors (a forged signature, a
 * malformed token) escape as 500. Every token a caller got wrong is a 401.
 */
function unauthorisedOnBadSignature(authentication: BotFrameworkAuthentication): BotFrameworkAuthentication {
  const authenticate = authentication.authenticateRequest.bind(authentication);
  authentication.authenticateRequest = async (activity, authHeader) => {
    try {
      return await authenticate(activity, authHeader);
    } catch (error) {
      const name = (error as Error).name;
      if (name === "JsonWebTokenError" || name === "NotBeforeError" || name === "TokenExpiredError") {
        throw new AuthenticationError((error as Error).message, 401);
      }
      throw error;
    }
  };
  return authentication;
}
