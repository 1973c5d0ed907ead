/**
 * The error for an answer the client will not retry (or has stopped retrying): a stable code per kind of
 * refusal and a hint that says what to do.
 */
import { ApiError, type ApiErrorDetails } from '../errors.js';

export function errorFor(
  details: ApiErrorDetails,
  resource: string | undefined,
  attempts: number,
  tokenSettingName = 'TESTSIGMA_API_TOKEN',
  gaveUp?: string,
): ApiError {
  const status = details.status ?? 0;
  const after = ` ${gaveUp ?? (attempts > 1 ? `Gave up after ${attempts} attempts.` : '')}`.trimEnd();
  if (status === 401) {
    return new ApiError(
      'API_UNAUTHORIZED',
      details,
      // The setting's name may hold parentheses of its own (`TESTSIGMA_API_TOKEN (or the apiToken reporter option)`).
      `The API token was refused: check ${tokenSettingName}; it may be missing, mistyped, expired or revoked (create one under Settings > API Keys).`,
    );
  }
  if (status === 403)
    return new ApiError(
      'API_FORBIDDEN',
      details,
      `The token in ${tokenSettingName} is not allowed to do this; use a key of a user with access to the project.`,
    );
  if (status === 404)
    return new ApiError(
      'API_NOT_FOUND',
      details,
      `${resource ?? 'The resource'} was not found: check the id or name, and that the token's account can see it.`,
    );
  if (status === 413) return new ApiError('API_PAYLOAD_TOO_LARGE', details, 'The request was too large for the service.');
  if (status === 400 || status === 422) return new ApiError('API_REJECTED', details, 'The service rejected the request as invalid.');
  if (status === 429 || (status === 500 && /rate limit/i.test(details.serverMessage ?? ''))) {
    return new ApiError(
      'API_RATE_LIMITED',
      details,
      `The service kept answering "rate limit exceeded".${after} Try again later, or run fewer uploads with the same token at once.`,
    );
  }
  if (status >= 500) return new ApiError('API_SERVER_ERROR', details, `The service failed.${after} Try again later.`);
  return new ApiError('API_UNEXPECTED_STATUS', details, 'The service gave an unexpected answer.');
}
