import { ApiProperty } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsInt, IsString, Length, Max, Min, NotEquals } from 'class-validator';
import type { StockAdjustment } from '@shopflow/contracts';
import { trimString } from '@shopflow/platform/service';

export class StockAdjustmentDto {
  @ApiProperty({ example: 25, description: 'Units received (positive) or written off (negative)' })
  @IsInt()
  @NotEquals(0)
  @Min(-1_000_000)
  @Max(1_000_000)
  delta: number;

  @ApiProperty({ example: 'delivery 2026-11-24', minLength: 1, maxLength: 200 })
  @Transform(trimString)
  @IsString()
  @Length(1, 200)
  reason: string;
}

export class StockAdjustmentResultDto implements StockAdjustment {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty({ format: 'uuid' }) productId: string;
  @ApiProperty() delta: number;
  @ApiProperty() reason: string;
  @ApiProperty() stockAvailable: number;
  @ApiProperty() stockReserved: number;
  @ApiProperty({ format: 'date-time' }) createdAt: string;
}
