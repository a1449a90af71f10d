/** Sent in the User-Agent so GitHub (and proxies) can tell which action made a request. */
export const ACTION_NAME = 'runner-remove-token'
export const ACTION_VERSION = '1.0.0'
export const USER_AGENT = `${ACTION_NAME}/${ACTION_VERSION}`
