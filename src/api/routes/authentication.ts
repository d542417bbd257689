// Sensor auth APIs (spec §1.1-1.3, §6.3): no token; credentials in the body. Served with and without
// the /api prefix because the docs give both (spec §7.2.1).
import { Router, type Request } from 'express';
import type { LoginGuard } from '../../auth/login.js';
import { policyViolation } from '../../auth/passwords.js';
import type { UserService } from '../../auth/users.js';
import { AuthApiError, useAuthErrorShape } from '../errors.js';
import { lenientBody, stringFields } from '../body.js';
import { clientOf } from '../token-auth.js';

const paths = (name: string) => [`/api/external/authentication/${name}`, `/external/authentication/${name}`];

const AUTH_FAILURE = 'User authentication failure';
const NO_PERMISSION = 'User does not have the permissions to change password';

export function authenticationRoutes(users: UserService, guard: LoginGuard): Router {
  const r = Router();
  r.use(['/api/external/authentication', '/external/authentication'], (_req, res, next) => {
    useAuthErrorShape(res);
    next();
  }, lenientBody);

  // §1.1 validation: any role; success carries no role.
  r.post(paths('validation'), async (req, res) => {
    const { username, password } = stringFields(req.body, ['username', 'password']);
    const user = await guard.check(username, password, clientOf(req), 'validation');
    if (!user) throw new AuthApiError('Credentials validation failed', 401);
    res.json({ msg: 'Authentication succeeded.' });
  });

  // §1.2 set_password: every role may change its own password with the current one.
  r.post(paths('set_password'), async (req, res) => {
    const { username, password, new_password } = stringFields(req.body, ['username', 'password', 'new_password']);
    const user = await guard.check(username, password, clientOf(req), 'set_password');
    if (!user) throw new AuthApiError(AUTH_FAILURE, 401);
    const why = policyViolation(new_password);
    if (why) throw new AuthApiError('Password does not match security policy', 400, `new password ${why}`);
    await users.setPassword(user.username, new_password, actorOf(req, user.username));
    res.json({ msg: 'Password has been replaced' });
  });

  // §1.3 set_password_by_admin: an Admin may reset Security Analyst and Read Only users, and itself
  // (2023 roles page); never another Admin. `admin_user` is accepted as the docs' curl spells it.
  r.post(paths('set_password_by_admin'), async (req, res) => {
    const body = { ...(req.body as Record<string, unknown>) };
    body.admin_username ??= body.admin_user;
    const { admin_username, admin_password, username, new_password } =
      stringFields(body, ['admin_username', 'admin_password', 'username', 'new_password']);
    const admin = await guard.check(admin_username, admin_password, clientOf(req), 'set_password_by_admin');
    if (!admin) throw new AuthApiError(AUTH_FAILURE, 401);
    if (admin.role !== 'admin') throw new AuthApiError(NO_PERMISSION, 403, `'${admin.username}' is not an Admin`);
    const target = users.find(username);
    if (!target) throw new AuthApiError(`The user '${username}' doesn't exist`, 404, `The user '${username}' doesn't exist`);
    if (target.role === 'admin' && target.username !== admin.username) {
      throw new AuthApiError(NO_PERMISSION, 403, `'${target.username}' is an Admin; only its owner can change that password`);
    }
    const why = policyViolation(new_password);
    if (why) throw new AuthApiError("Password doesn't match security policy", 400, `new password ${why}`);
    await users.setPassword(target.username, new_password, actorOf(req, admin.username));
    res.json({ msg: 'Password has been replaced' });
  });

  return r;
}

function actorOf(req: Request, username: string) {
  const c = clientOf(req);
  return { actor: `user:${username}`, client: c.address, userAgent: c.userAgent };
}
