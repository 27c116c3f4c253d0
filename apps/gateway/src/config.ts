import { ConfigError, gatewaySchema, loadConfig } from '@app/config';

export const APP_NAME = 'gateway';
export const SCHEMA = 'gateway';

export type GatewayConfig = ReturnType<typeof loadConfig<typeof gatewaySchema>>;

/** Reads and validates the gateway's variables; a user-token verifier must be configured. */
export function validateGatewayConfig(source: NodeJS.ProcessEnv = process.env): GatewayConfig {
  // The token settings are checked beside the schema, and every problem is reported at once.
  const problems: string[] = [];
  const secret = source.KAM_JWT_SECRET || undefined;
  const jwks = source.KAM_JWKS_URL || undefined;
  if (!secret && !jwks)
    problems.push('KAM_JWT_SECRET or KAM_JWKS_URL is required (how user tokens are verified)');
  if (secret && secret.length < 32) problems.push('KAM_JWT_SECRET must be at least 32 characters long');
  const operator = source.KAM_OPERATOR_SECRET || undefined;
  if (operator && operator.length < 32)
    problems.push('KAM_OPERATOR_SECRET must be at least 32 characters long');
  if (operator && operator === secret)
    problems.push(
      'KAM_OPERATOR_SECRET must differ from KAM_JWT_SECRET (a user token must never be an operator token)',
    );
  if (jwks) {
    try {
      const u = new URL(jwks);
      if (!['http:', 'https:'].includes(u.protocol)) problems.push('KAM_JWKS_URL must be an http(s) URL');
    } catch {
      problems.push('KAM_JWKS_URL is not a valid URL');
    }
  }
  let config: GatewayConfig | undefined;
  try {
    config = loadConfig(gatewaySchema, source);
  } catch (e) {
    if (!(e instanceof ConfigError)) throw e;
    problems.unshift(...e.problems);
  }
  if (config?.KAM_DEV_AUTH && !isLoopbackHost(config.KAM_HTTP_HOST))
    problems.push(
      `KAM_DEV_AUTH=1 mints tokens for anyone who reaches the gateway: it is allowed only when KAM_HTTP_HOST is a loopback address (got ${config.KAM_HTTP_HOST})`,
    );
  if (problems.length || !config) throw new ConfigError(problems);
  return config;
}

/** 127.0.0.0/8, ::1 and localhost: an interface nothing beyond this machine reaches. */
export function isLoopbackHost(host: string): boolean {
  const h = host
    .trim()
    .toLowerCase()
    .replace(/^\[|\]$/g, '');
  return (
    h === 'localhost' || h === '::1' || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(h) || /^::ffff:127\./.test(h)
  );
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
