import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsInt, IsOptional, IsUUID, Max, Min } from 'class-validator';

/** `page` (1-based) and `size` (1..500) query parameters of every list. */
export class PageQuery {
  @ApiPropertyOptional({ minimum: 1, default: 1 })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  page?: number = 1;

  @ApiPropertyOptional({ minimum: 1, maximum: 500, default: 50 })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(500)
  size?: number = 50;
}

export interface Page<T> {
  data: T[];
  page: { number: number; size: number; total: number };
}

/** A uuid path parameter, validated and documented. */
export const uuidParam = (): PropertyDecorator => {
  const doc = ApiProperty({ format: 'uuid', description: 'Path parameter' });
  const check = IsUUID('all');
  return (target, key) => {
    doc(target, key);
    check(target, key);
  };
};

/** `/:id` of a resource. */
export class IdParam {
  @uuidParam()
  id!: string;
}
