// The two error shapes of the API: `{message, errors: {code, message, details}}`, and the flat `{code, message}` the
// live service uses for 401 and unknown paths. Handlers throw ApiError; the server turns it into a body.

export class ApiError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly details: string = message,
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
    this.name = 'ApiError';
  }

  body(): ErrorBody {
    return errorBody(this.status, this.message, this.details);
  }
}

export interface ErrorBody {
  message: string;
  errors: { code: number; message: string; details: string };
}

export function errorBody(code: number, message: string, details: string = message): ErrorBody {
  return { message, errors: { code, message, details } };
}

/** The flat shape the live service uses for 401 and for paths it does not know. */
export function flatError(code: number, message: string): { code: number; message: string } {
  return { code, message };
}

export function notFound(entity: string, id: string): ApiError {
  return new ApiError(404, `${entity} not found`, `${entity} not found with ID: ${id}`);
}

export function badRequest(message: string, details?: string): ApiError {
  return new ApiError(400, message, details ?? message);
}

export function unprocessable(message: string, details?: string): ApiError {
  return new ApiError(422, message, details ?? message);
}

export function payloadTooLarge(limit: number, closeConnection = false): ApiError {
  return new ApiError(
    413,
    'Request body too large',
    `The request body exceeds ${limit} bytes; send fewer results per request.`,
    closeConnection ? { connection: 'close' } : {},
  );
}
