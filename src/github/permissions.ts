import type { Scope } from './target.js'

/**
 * What a token needs to mint (or use) remove tokens for each scope, per token type. The README's
 * setup table says the same; the default GITHUB_TOKEN can be granted none of these.
 */
export const REQUIRED_PERMISSION: Record<Scope, string> = {
  repository:
    'a classic PAT with the repo scope from a user with admin access to the repository, or a ' +
    'fine-grained PAT or GitHub App token with the "Administration" repository permission (write)',
  organization:
    'a classic PAT with the admin:org scope from an organization owner, or a fine-grained PAT or ' +
    'GitHub App token with the "Self-hosted runners" organization permission (write)',
  enterprise:
    'a classic PAT with the manage_runners:enterprise scope from an enterprise owner (GitHub Apps ' +
    'and fine-grained PATs cannot manage enterprise runners)'
}
