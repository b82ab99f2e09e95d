// @ts-check
/** The platform API as the host uses it: JSON in and out, the session's CSRF token on writes. */

/** @typedef {{appid: string, name: string, icon?: string, category?: string, description?: string}} Listing */
/** @typedef {{id: number, email: string, name: string, csrf_token: string | null}} User */

/** An API error with the problem document's `code` and `detail`. */
export class ApiError extends Error {
  /** @param {number} status @param {string} code @param {string} detail */
  constructor(status, code, detail) {
    super(detail);
    this.status = status;
    this.code = code;
  }
}

export const session = {
  /** @type {User | null} */
  user: null,
};

/**
 * @param {string} url
 * @param {{method?: string, json?: any, body?: BodyInit, headers?: Record<string, string>}} [options]
 * @returns {Promise<any>}
 */
export async function api(url, options = {}) {
  /** @type {Record<string, string>} */
  const headers = { ...(options.headers || {}) };
  let body = options.body;
  if (options.json !== undefined) {
    headers['Content-Type'] = 'application/json';
    body = JSON.stringify(options.json);
  }
  const method = options.method || 'GET';
  if (method !== 'GET' && session.user?.csrf_token) headers['X-CSRF-Token'] = session.user.csrf_token;
  const response = await fetch(url, { method, headers, body, credentials: 'same-origin' });
  if (response.status === 204) return null;
  const data = await response.json().catch(() => null);
  if (!response.ok) {
    throw new ApiError(response.status, data?.code || 'error', data?.detail || `${response.status} ${response.statusText}`);
  }
  return data;
}

/** Who is signed in (null: nobody); also refreshes the CSRF token. */
export async function refreshSession() {
  const { user } = await api('/api/accounts/session');
  session.user = user;
  return user;
}
