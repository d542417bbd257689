// Local users (spec §6): create, change password, disable, delete, verify credentials.
import type { AuditLog } from '../store/audit-log.js';
import type { ConfigStore } from '../store/config-store.js';
import type { RoleId, UserRecord } from '../store/config-schema.js';
import { ConflictError, InputError, NotFoundError } from '../errors.js';
import type { ActorContext } from './context.js';
import { generatePassword, hashPassword, policyViolation, verifyPassword } from './passwords.js';

export const BOOTSTRAP_ADMIN = 'admin';
const USERNAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;

export interface UserView {
  username: string;
  role: RoleId;
  disabled: boolean;
  created: string;
  passwordChanged: string;
}

export class UserService {
  constructor(
    private readonly config: ConfigStore,
    private readonly audit: AuditLog,
    private readonly now: () => number = Date.now,
  ) {}

  list(): UserView[] {
    return this.config.data.users.map(view);
  }

  /** Case-insensitive, as user names are on the sensor's login page. */
  find(username: string): UserRecord | undefined {
    const k = username.toLowerCase();
    return this.config.data.users.find((u) => u.username.toLowerCase() === k);
  }

  async add(username: string, role: RoleId, password: string, ctx: ActorContext): Promise<UserView> {
    if (!USERNAME.test(username)) throw new InputError(`invalid user name '${username}': use 1-64 letters, digits, '.', '_' or '-'`);
    assertPolicy(password);
    const passwordHash = await hashPassword(password);
    const stamp = new Date(this.now()).toISOString();
    const user = this.config.mutate((d) => {
      if (d.users.some((u) => u.username.toLowerCase() === username.toLowerCase())) {
        throw new ConflictError(`user '${username}' already exists`);
      }
      const u: UserRecord = { username, role, passwordHash, disabled: false, created: stamp, passwordChanged: stamp };
      d.users.push(u);
      return u;
    });
    this.audit.record({ ...ctx, action: 'user.create', target: username, outcome: 'success', detail: { role } });
    return view(user);
  }

  async setPassword(username: string, password: string, ctx: ActorContext): Promise<void> {
    assertPolicy(password);
    const passwordHash = await hashPassword(password);
    const stamp = new Date(this.now()).toISOString();
    this.config.mutate((d) => {
      const u = findIn(d.users, username);
      u.passwordHash = passwordHash;
      u.passwordChanged = stamp;
    });
    this.audit.record({ ...ctx, action: 'user.password_change', target: username, outcome: 'success' });
  }

  setDisabled(username: string, disabled: boolean, ctx: ActorContext): void {
    this.config.mutate((d) => {
      const u = findIn(d.users, username);
      if (disabled) assertNotLastAdmin(d.users, u, 'disable');
      u.disabled = disabled;
    });
    this.audit.record({ ...ctx, action: disabled ? 'user.disable' : 'user.enable', target: username, outcome: 'success' });
  }

  /** The user's API tokens are kept (and refused) so an operator can see what they were (tokens.md, seed 001). */
  delete(username: string, ctx: ActorContext): void {
    this.config.mutate((d) => {
      const u = findIn(d.users, username);
      assertNotLastAdmin(d.users, u, 'delete');
      d.users = d.users.filter((x) => x !== u);
    });
    this.audit.record({ ...ctx, action: 'user.delete', target: username, outcome: 'success' });
  }

  /**
   * Checks a user name and password in constant time whether or not the user exists.
   * Returns the user only when the password matches and the account is enabled.
   */
  async verify(username: string, password: string): Promise<{ user: UserRecord | null; reason: string | null }> {
    const u = this.find(username);
    const ok = await verifyPassword(password, u?.passwordHash ?? null);
    if (!u) return { user: null, reason: 'no such user' };
    if (!ok) return { user: null, reason: 'wrong password' };
    if (u.disabled) return { user: null, reason: 'user disabled' };
    return { user: u, reason: null };
  }

  /** On first start with no users: creates 'admin' with a random password, returned once for display. */
  async bootstrapAdmin(): Promise<string | null> {
    if (this.config.data.users.length > 0) return null;
    const password = generatePassword();
    const passwordHash = await hashPassword(password);
    const stamp = new Date(this.now()).toISOString();
    const created = this.config.mutate((d) => {
      if (d.users.length > 0) return false; // another process got there first
      d.users.push({ username: BOOTSTRAP_ADMIN, role: 'admin', passwordHash, disabled: false, created: stamp, passwordChanged: stamp });
      return true;
    });
    if (!created) return null;
    this.audit.record({ actor: 'system', action: 'user.create', target: BOOTSTRAP_ADMIN, outcome: 'success', detail: { role: 'admin', bootstrap: true } });
    return password;
  }
}

function view(u: UserRecord): UserView {
  return { username: u.username, role: u.role, disabled: u.disabled, created: u.created, passwordChanged: u.passwordChanged };
}

function findIn(users: UserRecord[], username: string): UserRecord {
  const k = username.toLowerCase();
  const u = users.find((x) => x.username.toLowerCase() === k);
  if (!u) throw new NotFoundError(`user '${username}' does not exist`);
  return u;
}

function assertPolicy(password: string): void {
  const why = policyViolation(password);
  if (why) throw new InputError(`password does not match the security policy: ${why}`);
}

// Without an enabled admin nobody can manage users or tokens any more; the box would need a rebuild.
function assertNotLastAdmin(users: UserRecord[], u: UserRecord, verb: string): void {
  if (u.role !== 'admin' || u.disabled) return;
  const admins = users.filter((x) => x.role === 'admin' && !x.disabled);
  if (admins.length <= 1) throw new ConflictError(`cannot ${verb} '${u.username}': it is the last enabled admin`);
}
