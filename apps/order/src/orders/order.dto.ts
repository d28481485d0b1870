import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsArray, IsInt, IsOptional, IsUUID, ValidateNested } from 'class-validator';
import {
  ORDER_LIMITS,
  ORDER_STATUSES,
  type Order,
  type OrderLineView,
  type OrderStatus,
  type OrderStatusChange,
  type PlaceOrderRequest,
} from '@shopflow/contracts';
import { PageQueryDto } from '@shopflow/platform/service';

/**
 * Shape only (types, UUIDs): the limits (quantity range, number of lines) and the products are
 * business rules, checked by the service and answered with 422 naming the line.
 */
export class OrderLineRequestDto {
  @ApiProperty({ format: 'uuid' })
  @IsUUID()
  productId: string;

  @ApiProperty({ minimum: ORDER_LIMITS.minQuantity, maximum: ORDER_LIMITS.maxQuantity, example: 2 })
  @IsInt()
  quantity: number;
}

export class PlaceOrderDto implements PlaceOrderRequest {
  @ApiProperty({ type: [OrderLineRequestDto], minItems: 1, maxItems: ORDER_LIMITS.maxLines })
  @IsArray()
  @ValidateNested({ each: true })
  @Type(() => OrderLineRequestDto)
  lines: OrderLineRequestDto[];
}

export class OrderPageQueryDto extends PageQueryDto {
  @ApiPropertyOptional({ format: 'uuid', description: 'Admins only: one customer’s orders' })
  @IsOptional()
  @IsUUID()
  customerId?: string;
}

class OrderLineDto implements OrderLineView {
  @ApiProperty({ format: 'uuid' }) productId: string;
  @ApiProperty() sku: string;
  @ApiProperty() name: string;
  @ApiProperty() quantity: number;
  @ApiProperty() unitPriceCents: number;
}

class OrderStatusChangeDto implements OrderStatusChange {
  @ApiProperty({ enum: ORDER_STATUSES }) status: OrderStatus;
  @ApiProperty({ format: 'date-time' }) at: string;
  @ApiPropertyOptional() reason?: string;
}

class OrderCustomerDto {
  @ApiProperty() displayName: string;
  @ApiProperty() email: string;
}

export class OrderDto implements Order {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty({ format: 'uuid' }) customerId: string;
  @ApiProperty({ type: OrderCustomerDto, nullable: true }) customer: OrderCustomerDto | null;
  @ApiProperty({ enum: ORDER_STATUSES }) status: OrderStatus;
  @ApiProperty({ type: [OrderLineDto] }) lines: OrderLineDto[];
  @ApiProperty() totalCents: number;
  @ApiProperty() currency: string;
  @ApiProperty({ format: 'date-time' }) createdAt: string;
  @ApiProperty({ format: 'date-time' }) updatedAt: string;
  @ApiProperty({ type: [OrderStatusChangeDto] }) history: OrderStatusChangeDto[];
}

export class OrderPageDto {
  @ApiProperty({ type: [OrderDto] }) items: OrderDto[];
  @ApiProperty() total: number;
  @ApiProperty() page: number;
  @ApiProperty() limit: number;
}
