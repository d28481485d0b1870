import { Body, Controller, Param, ParseUUIDPipe, Post } from '@nestjs/common';
import {
  ApiBearerAuth,
  ApiConflictResponse,
  ApiCreatedResponse,
  ApiForbiddenResponse,
  ApiNotFoundResponse,
  ApiTags,
} from '@nestjs/swagger';
import type { StockAdjustment } from '@shopflow/contracts';
import { Authenticated, CurrentUser, Roles, type AuthenticatedUser } from '@shopflow/platform/security';
import { StockAdjustmentDto, StockAdjustmentResultDto } from './stock.dto';
import { StockService } from './stock.service';

@ApiTags('stock')
@Controller('v1/products/:id/stock-adjustments')
@Authenticated()
@Roles('admin')
@ApiBearerAuth()
@ApiForbiddenResponse({ description: 'The caller is not an admin' })
export class StockController {
  constructor(private readonly stock: StockService) {}

  @Post()
  @ApiCreatedResponse({ type: StockAdjustmentResultDto, description: 'Recorded, with an audit row' })
  @ApiConflictResponse({ description: 'STOCK.BELOW_RESERVED: more written off than is free' })
  @ApiNotFoundResponse({ description: 'PRODUCT.NOT_FOUND' })
  adjust(
    @Param('id', new ParseUUIDPipe()) id: string,
    @Body() body: StockAdjustmentDto,
    @CurrentUser() user: AuthenticatedUser,
  ): Promise<StockAdjustment> {
    return this.stock.adjust(id, body.delta, body.reason, user.id);
  }
}
