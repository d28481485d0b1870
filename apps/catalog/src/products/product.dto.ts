import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform, Type } from 'class-transformer';
import {
  IsIn,
  IsInt,
  IsOptional,
  IsString,
  Length,
  Matches,
  Max,
  MaxLength,
  Min,
  Validate,
  ValidatorConstraint,
  type ValidatorConstraintInterface,
} from 'class-validator';
import {
  PRODUCT_SORTS,
  PRODUCT_STATUSES,
  type Product,
  type ProductSort,
  type ProductStatus,
} from '@shopflow/contracts';
import { PageQueryDto, trimString } from '@shopflow/platform/service';

const MAX_PRICE_CENTS = 1_000_000_000;

/** The ISO 4217 list as the runtime knows it (ICU), so `XYZ` is refused while `EUR` passes. */
const CURRENCIES = new Set(Intl.supportedValuesOf('currency'));

@ValidatorConstraint({ name: 'isIso4217' })
class IsIso4217 implements ValidatorConstraintInterface {
  validate(value: unknown): boolean {
    return typeof value === 'string' && CURRENCIES.has(value);
  }
  defaultMessage(): string {
    return 'currency must be an ISO 4217 code such as EUR';
  }
}

export class CreateProductDto {
  @ApiProperty({ example: 'KB-0042', pattern: '^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$' })
  @Matches(/^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/, {
    message: 'sku must be 1-64 letters, digits, dots, dashes or underscores',
  })
  sku: string;

  @ApiProperty({ example: 'Mechanical keyboard', minLength: 1, maxLength: 200 })
  @Transform(trimString)
  @IsString()
  @Length(1, 200)
  name: string;

  @ApiPropertyOptional({ type: String, maxLength: 2000, default: '' })
  @IsOptional()
  @IsString()
  @MaxLength(2000)
  description = '';

  @ApiProperty({ example: 'keyboards', minLength: 1, maxLength: 64 })
  @Transform(trimString)
  @IsString()
  @Length(1, 64)
  category: string;

  @ApiProperty({ example: 8999, minimum: 0, maximum: MAX_PRICE_CENTS })
  @IsInt()
  @Min(0)
  @Max(MAX_PRICE_CENTS)
  priceCents: number;

  @ApiProperty({ example: 'EUR', description: 'ISO 4217' })
  @Validate(IsIso4217)
  currency: string;

  @ApiPropertyOptional({
    type: Number,
    minimum: 0,
    maximum: 1_000_000,
    default: 0,
    description: 'Units received now',
  })
  @IsOptional()
  @IsInt()
  @Min(0)
  @Max(1_000_000)
  initialStock = 0;
}

export class UpdateProductDto {
  @ApiPropertyOptional({ description: 'The version you read; or send it as `If-Match: "<version>"`' })
  @IsOptional()
  @IsInt()
  @Min(1)
  version?: number;

  @ApiPropertyOptional({ minLength: 1, maxLength: 200 })
  @IsOptional()
  @Transform(trimString)
  @IsString()
  @Length(1, 200)
  name?: string;

  @ApiPropertyOptional({ maxLength: 2000 })
  @IsOptional()
  @IsString()
  @MaxLength(2000)
  description?: string;

  @ApiPropertyOptional({ minLength: 1, maxLength: 64 })
  @IsOptional()
  @Transform(trimString)
  @IsString()
  @Length(1, 64)
  category?: string;

  @ApiPropertyOptional({ minimum: 0, maximum: MAX_PRICE_CENTS })
  @IsOptional()
  @IsInt()
  @Min(0)
  @Max(MAX_PRICE_CENTS)
  priceCents?: number;

  @ApiPropertyOptional({ description: 'ISO 4217' })
  @IsOptional()
  @Validate(IsIso4217)
  currency?: string;

  @ApiPropertyOptional({ enum: PRODUCT_STATUSES })
  @IsOptional()
  @IsIn(PRODUCT_STATUSES)
  status?: ProductStatus;
}

export class ProductQueryDto extends PageQueryDto {
  @ApiPropertyOptional({ description: 'Prefix of a name or SKU', maxLength: 100 })
  @IsOptional()
  @Transform(trimString)
  @IsString()
  @Length(1, 100)
  q?: string;

  @ApiPropertyOptional({ maxLength: 64 })
  @IsOptional()
  @IsString()
  @Length(1, 64)
  category?: string;

  @ApiPropertyOptional({ minimum: 0 })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(0)
  minPriceCents?: number;

  @ApiPropertyOptional({ minimum: 0 })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(0)
  maxPriceCents?: number;

  @ApiPropertyOptional({ enum: PRODUCT_SORTS, default: 'name', type: String })
  @IsIn(PRODUCT_SORTS, { message: `sort must be one of ${PRODUCT_SORTS.join(', ')}` })
  sort: ProductSort = 'name';
}

export class ProductDto implements Product {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty() sku: string;
  @ApiProperty() name: string;
  @ApiProperty() description: string;
  @ApiProperty() category: string;
  @ApiProperty() priceCents: number;
  @ApiProperty() currency: string;
  @ApiProperty() stockAvailable: number;
  @ApiProperty() stockReserved: number;
  @ApiProperty({ enum: PRODUCT_STATUSES }) status: ProductStatus;
  @ApiProperty() version: number;
  @ApiProperty({ format: 'date-time' }) createdAt: string;
  @ApiProperty({ format: 'date-time' }) updatedAt: string;
}

export class ProductPageDto {
  @ApiProperty({ type: [ProductDto] }) items: ProductDto[];
  @ApiProperty() total: number;
  @ApiProperty() page: number;
  @ApiProperty() limit: number;
}
