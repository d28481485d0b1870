import { z } from 'zod';

export const Money = {
  cents: z.number().int().min(0).describe('Amount in the minor unit of the currency'),
  currency: z
    .string()
    .regex(/^[A-Z]{3}$/)
    .describe('ISO 4217 code'),
};

export const OrderLine = z.object({
  productId: z.uuid(),
  quantity: z.number().int().min(1).max(100),
});
