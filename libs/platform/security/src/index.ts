export { type AuthenticatedRequest, type AuthenticatedUser } from './authenticated-user';
export { Authenticated } from './authenticated.decorator';
export { CurrentUser } from './current-user.decorator';
export { JwtAuthGuard } from './jwt-auth.guard';
export { JwtVerifier, type JwtVerifierOptions, type VerificationAlgorithm } from './jwt-verifier';
export { Roles } from './roles.decorator';
export { SecurityModule, type SecurityModuleOptions } from './security.module';
export { SigningKeysUnavailableError } from './signing-keys-unavailable.error';
export { TokenRejectedError, type TokenRejectionReason } from './token-rejected.error';
