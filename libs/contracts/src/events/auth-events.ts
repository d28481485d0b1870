import { z } from 'zod';
import { TOPICS } from '../topics/topics';
import { defineEvent } from './event-definition';

const Role = z.enum(['customer', 'admin']);

export const UserRegisteredV1 = defineEvent({
  type: 'UserRegistered',
  version: 1,
  topic: TOPICS.authUserEvents.name,
  keyField: 'userId',
  description: 'A user account was created.',
  schema: z.object({
    userId: z.uuid(),
    email: z.email(),
    displayName: z.string().min(1).max(100),
    roles: z.array(Role).min(1),
  }),
});

export const UserRolesChangedV1 = defineEvent({
  type: 'UserRolesChanged',
  version: 1,
  topic: TOPICS.authUserEvents.name,
  keyField: 'userId',
  description: "An administrator changed a user's roles.",
  schema: z.object({ userId: z.uuid(), roles: z.array(Role).min(1) }),
});
