import { ConfigError, gatewaySchema, loadConfig } from '@app/config';

export const APP_NAME = 'gateway';
export const SCHEMA = 'gateway';

export type GatewayConfig = ReturnType<typeof loadConfig<typeof gatewaySchema>>;

/** Reads and validates the gateway's variables; a user-token verifier must be configured. */
export function validateGatewayConfig(source: NodeJS.ProcessEnv = process.env): GatewayConfig {
  const config = loadConfig(gatewaySchema, source);
  const problems: string[] = [];
  if (!config.KAM_JWT_SECRET && !config.KAM_JWKS_URL)
    problems.push('KAM_JWT_SECRET or KAM_JWKS_URL is required (how user tokens are verified)');
  if (config.KAM_JWT_SECRET && config.KAM_JWT_SECRET.length < 32)
    problems.push('KAM_JWT_SECRET must be at least 32 characters long');
  if (config.KAM_JWKS_URL) {
    try {
      const u = new URL(config.KAM_JWKS_URL);
      if (!['http:', 'https:'].includes(u.protocol)) problems.push('KAM_JWKS_URL must be an http(s) URL');
    } catch {
      problems.push('KAM_JWKS_URL is not a valid URL');
    }
  }
  if (problems.length) throw new ConfigError(problems);
  return config;
}

export function loadGatewayConfig(): GatewayConfig {
  try {
    return validateGatewayConfig();
  } catch (e) {
    if (e instanceof ConfigError) {
      process.stderr.write(`[${APP_NAME}] ${e.message}\n`);
      process.exit(78);
    }
    throw e;
  }
}

export const GATEWAY_CONFIG = Symbol('GATEWAY_CONFIG');
