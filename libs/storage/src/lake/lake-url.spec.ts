import { parseLakeUrl } from './lake-url.js';

describe('parseLakeUrl', () => {
  it('reads s3://bucket/prefix', () => {
    expect(parseLakeUrl('s3://shoplens/lake')).toEqual({
      kind: 's3',
      bucket: 'shoplens',
      prefix: 'lake',
    });
    expect(parseLakeUrl('s3://shop.lens/a/b/')).toEqual({
      kind: 's3',
      bucket: 'shop.lens',
      prefix: 'a/b',
    });
    expect(parseLakeUrl('s3://bucket')).toEqual({ kind: 's3', bucket: 'bucket', prefix: '' });
  });

  it('reads file:// URLs and plain paths', () => {
    expect(parseLakeUrl('file:///var/lake')).toEqual({ kind: 'local', root: '/var/lake' });
    expect(parseLakeUrl('/var/lake')).toEqual({ kind: 'local', root: '/var/lake' });
    expect(parseLakeUrl('data/lake', '/srv')).toEqual({ kind: 'local', root: '/srv/data/lake' });
  });

  it('rejects what it cannot use, saying why', () => {
    expect(() => parseLakeUrl('')).toThrow(/empty/);
    expect(() => parseLakeUrl('s3://Bad_Bucket/x')).toThrow(/not an S3 bucket name/);
    expect(() => parseLakeUrl('s3://bucket/a/../b')).toThrow(/prefix/);
    expect(() => parseLakeUrl('gs://bucket/x')).toThrow(/unsupported lake URL scheme/);
  });
});
