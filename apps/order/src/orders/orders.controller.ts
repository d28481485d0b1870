import {
  Body,
  Controller,
  Get,
  Headers,
  HttpCode,
  HttpStatus,
  Param,
  ParseUUIDPipe,
  Post,
  Query,
} from '@nestjs/common';
import {
  ApiAcceptedResponse,
  ApiBearerAuth,
  ApiConflictResponse,
  ApiForbiddenResponse,
  ApiHeader,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiTags,
  ApiUnprocessableEntityResponse,
} from '@nestjs/swagger';
import type { Order, Page } from '@shopflow/contracts';
import { Authenticated, CurrentUser, type AuthenticatedUser } from '@shopflow/platform/security';
import { ValidationFailedException } from '@shopflow/platform/service';
import { OtherCustomersOrders } from './order.errors';
import { OrderDto, OrderPageDto, OrderPageQueryDto, PlaceOrderDto } from './order.dto';
import { OrderReader } from './order.reader';
import { OrdersService } from './orders.service';

const uuid = new ParseUUIDPipe();
const caller = (user: AuthenticatedUser) => ({ id: user.id, isAdmin: user.roles.includes('admin') });

@ApiTags('orders')
@ApiBearerAuth()
@Controller('v1/orders')
@Authenticated()
export class OrdersController {
  constructor(
    private readonly orders: OrdersService,
    private readonly reader: OrderReader,
  ) {}

  @Post()
  @HttpCode(HttpStatus.ACCEPTED)
  @ApiHeader({
    name: 'Idempotency-Key',
    required: false,
    description: 'Makes retries safe (1-200 characters)',
  })
  @ApiAcceptedResponse({ type: OrderDto, description: 'PENDING: the saga decides, follow it with GET' })
  @ApiUnprocessableEntityResponse({
    description: 'ORDER.INVALID naming the lines; ORDER.IDEMPOTENCY_KEY_REUSED with a different body',
  })
  async place(
    @Body() body: PlaceOrderDto,
    @CurrentUser() user: AuthenticatedUser,
    @Headers('idempotency-key') idempotencyKey: string | undefined,
  ): Promise<Order> {
    if (idempotencyKey !== undefined && !/^[\x21-\x7e]{1,200}$/.test(idempotencyKey))
      throw new ValidationFailedException([
        { field: 'Idempotency-Key', message: 'Idempotency-Key must be 1-200 visible ASCII characters' },
      ]);
    return (await this.orders.place(user.id, body, idempotencyKey)).order;
  }

  @Get()
  @ApiOkResponse({ type: OrderPageDto, description: 'Newest first: your orders; an admin sees all' })
  @ApiForbiddenResponse({ description: "ORDER.ADMIN_ONLY: only admins list other customers' orders" })
  list(@Query() query: OrderPageQueryDto, @CurrentUser() user: AuthenticatedUser): Promise<Page<Order>> {
    const { isAdmin } = caller(user);
    if (query.customerId !== undefined && !isAdmin && query.customerId !== user.id)
      throw new OtherCustomersOrders();
    return this.reader.list(isAdmin ? query.customerId : user.id, query.page, query.limit);
  }

  @Get(':id')
  @ApiOkResponse({ type: OrderDto })
  @ApiNotFoundResponse({ description: 'ORDER.NOT_FOUND (also for an order that is not yours)' })
  get(@Param('id', uuid) id: string, @CurrentUser() user: AuthenticatedUser): Promise<Order> {
    return this.orders.get(id, caller(user));
  }

  @Post(':id/cancel')
  @HttpCode(HttpStatus.OK)
  @ApiOkResponse({ type: OrderDto, description: 'CANCELLED; reserved stock is released by the catalog' })
  @ApiConflictResponse({ description: 'ORDER.NOT_CANCELLABLE: already REJECTED or CANCELLED' })
  @ApiNotFoundResponse({ description: 'ORDER.NOT_FOUND' })
  cancel(@Param('id', uuid) id: string, @CurrentUser() user: AuthenticatedUser): Promise<Order> {
    return this.orders.cancel(id, caller(user));
  }
}
