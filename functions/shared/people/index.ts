/**
 * People: console sign-in and sign-out (recorded as `adminLogin` and `adminLogout`), the groups that give
 * their tokens' scopes, and `GET /me`.
 * The one entry module of this folder: other folders import from here, never from its other modules.
 */

export { whoAmISchema } from './contract.js';
export {
  CONSOLE_GROUP_NAMES,
  CONSOLE_GROUPS,
  CONSOLE_SCOPES,
  type ConsoleGroup,
  scopesForGroups,
} from './groups.js';
export { type Person, type SignInDeps, signIn, signOut, whoAmI } from './sessions.js';
