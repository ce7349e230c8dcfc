// nx::random: counter-based random numbers with Threefry-2x32 (20 rounds),
// the algorithm of Nx.Random and JAX. Written only with tensor ops (u32
// wrap-around arithmetic, logical shifts, bitcasts, slices), so it runs
// unchanged on every backend.
#include <cmath>
#include <limits>

#include "common.hpp"

namespace nx::random {

namespace {

// Nx.Random's key checks: the shape, then the type.
void check_key(std::string_view op, const Tensor& key) {
  if (key.shape() != Shape{2})
    raise(op, "expected key to have shape {2}, got tensor with shape " + shape_to_string(key.shape()));
  if (key.type() != u32)
    raise(op, "expected key with 32-bit unsigned integer type, got key with type " + front::type_name(key.type()));
}

using Ints = std::vector<std::int64_t>;

CreationOptions typed(Type t, const BackendPtr& b) {
  CreationOptions o;
  o.type = t;
  o.backend = b;
  return o;
}
IotaOptions iota_typed(Type t, const BackendPtr& b) {
  IotaOptions o;
  o.type = t;
  o.backend = b;
  return o;
}

// A static slice (brace lists alone would be ambiguous with dynamic starts).
Tensor cut(const Tensor& t, Ints starts, Ints lengths) { return slice(t, starts, lengths); }
// Element i of a rank-1 tensor as a scalar tensor.
Tensor element(const Tensor& t, std::int64_t i) { return reshape(cut(t, {i}, {1}), {}); }
// Row i of a {n, 2} key array as a key.
Tensor row(const Tensor& keys, std::int64_t i) { return reshape(cut(keys, {i, 0}, {1, 2}), {2}); }

Tensor rotl(const Tensor& x, int r) { return bitwise_or(left_shift(x, r), right_shift(x, 32 - r)); }

// The Threefry-2x32 block function on two u32 word vectors.
std::pair<Tensor, Tensor> threefry_block(const Tensor& k1, const Tensor& k2, Tensor x0, Tensor x1) {
  static const int rotations[2][4] = {{13, 15, 26, 6}, {17, 29, 16, 24}};
  const Tensor k3 = bitwise_xor(bitwise_xor(k1, k2), 0x1BD11BDA);
  Tensor ks[3] = {k1, k2, k3};
  x0 = add(x0, ks[0]);
  x1 = add(x1, ks[1]);
  for (int step = 1; step <= 5; ++step) {
    for (int r : rotations[(step - 1) % 2]) {
      x0 = add(x0, x1);
      x1 = bitwise_xor(rotl(x1, r), x0);
    }
    // Key injection: ks[step % 3] and ks[(step + 1) % 3] + step (all mod 2^32).
    x0 = add(x0, ks[step % 3]);
    x1 = add(add(x1, ks[(step + 1) % 3]), step);
  }
  return {x0, x1};
}

// Threefry-2x32 of the flat u32 counters `counts` (JAX's threefry_2x32):
// an odd count gets one zero appended; the first half and the second half
// are the two words; the result keeps the input's shape.
Tensor threefry_counts(const Tensor& key, const Tensor& counts) {
  const Shape shape = counts.shape();
  const std::int64_t n = counts.size();
  Tensor flat = reshape(counts, {n});
  if (n % 2 == 1) flat = concatenate(std::vector<Tensor>{flat, full({1}, 0, typed(u32, counts.backend()))});
  const std::int64_t half = flat.size() / 2;
  auto [y0, y1] = threefry_block(element(key, 0), element(key, 1), cut(flat, {0}, {half}),
                                 cut(flat, {half}, {half}));
  Tensor out = concatenate(std::vector<Tensor>{y0, y1});
  if (n % 2 == 1) out = cut(out, {0}, {n});
  return reshape(out, shape);
}

// `size` random words of `bits` bits (8, 16, 32 or 64) shaped as `shape`,
// laid out like JAX's random bits.
Tensor random_bits(const Tensor& key, const Shape& shape, int bits) {
  const std::int64_t size = shape_size(shape);
  const std::int64_t words = (bits * size + 31) / 32;
  Tensor w = threefry_counts(key, iota({words}, iota_typed(u32, key.backend())));
  if (bits == 32) return reshape(w, shape);
  if (bits == 64) {
    // Two halves of 2*size words: (first << 32) | second.
    Tensor hi = as_type(cut(w, {0}, {size}), u64), lo = as_type(cut(w, {size}, {size}), u64);
    return reshape(bitwise_or(left_shift(hi, 32), lo), shape);
  }
  // 8 or 16 bits: each word gives 32/bits values, lowest bits first.
  const int per = 32 / bits;
  Tensor shifts = multiply(iota({1, per}, iota_typed(u32, key.backend())), bits);
  Tensor parts = bitwise_and(right_shift(reshape(w, {words, 1}), shifts), (1 << bits) - 1);
  Tensor values = as_type(reshape(parts, {words * per}), Type{TypeClass::u, static_cast<std::uint8_t>(bits)});
  return reshape(cut(values, {0}, {size}), shape);
}

int mantissa_bits(Type t) {
  if (t == bf16) return 7;
  if (t == f16) return 10;
  if (t == f32) return 23;
  return 52;
}

// `expected` is Nx's word for the types the function takes ("float",
// "float or complex").
void check_float_type(std::string_view op, Type t, std::string_view expected = "float") {
  if (!(t == f16 || t == bf16 || t == f32 || t == f64))
    raise(op, "expected " + std::string(expected) + " type, got type " + front::type_name(t));
}

// Floats uniform in [lo, hi) from the bits of `key` (no key split).
Tensor uniform_from(const Tensor& key, double lo, double hi, const Shape& shape, Type type) {
  const int nbits = type.bits;
  const Type ut{TypeClass::u, static_cast<std::uint8_t>(nbits)};
  Tensor one_bits = bitcast(full({}, 1.0, typed(type, key.backend())), ut);
  Tensor bits = right_shift(random_bits(key, shape, nbits), nbits - mantissa_bits(type));
  Tensor unit = subtract(bitcast(bitwise_or(bits, one_bits), type), 1.0);  // [0, 1)
  Tensor lo_t = full({}, lo, typed(type, key.backend()));
  Tensor span = subtract(full({}, hi, typed(type, key.backend())), lo_t);
  return max(lo_t, add(multiply(unit, span), lo_t));
}

}  // namespace

Tensor key(std::uint64_t seed, BackendPtr backend) {
  std::vector<std::uint32_t> words = {static_cast<std::uint32_t>(seed >> 32),
                                      static_cast<std::uint32_t>(seed & 0xFFFFFFFFu)};
  TensorOptions o;
  o.type = u32;
  o.backend = front::or_default(backend);
  return tensor(words, o);
}

Tensor threefry2x32(const Tensor& key, const Shape& shape) {
  check_key("threefry2x32", key);
  front::check_shape("threefry2x32", shape);
  return threefry_counts(key, iota(shape, iota_typed(u32, key.backend())));
}

Tensor split(const Tensor& key, std::int64_t parts) {
  check_key("split", key);
  if (parts < 1) raise("split", "parts must be positive, got " + std::to_string(parts));
  return threefry2x32(key, {parts, 2});
}

Tensor fold_in(const Tensor& key, std::uint64_t data) {
  check_key("fold_in", key);
  // The data becomes a key-like word pair that is used as the counters.
  return threefry_counts(key, random::key(data, key.backend()));
}

Sample uniform(const Tensor& key, double min, double max, const UniformOptions& opts) {
  check_key("uniform", key);
  check_float_type("uniform", opts.type);
  front::check_shape("uniform", opts.shape);
  front::check_names("uniform", opts.names, static_cast<int>(opts.shape.size()));
  Tensor keys = split(key);
  Tensor value = uniform_from(row(keys, 1), min, max, opts.shape, opts.type);
  return {rename(value, opts.names), row(keys, 0)};
}

Sample normal(const Tensor& key, double mean, double std, const UniformOptions& opts) {
  check_key("normal", key);
  check_float_type("normal", opts.type, "float or complex");
  front::check_shape("normal", opts.shape);
  front::check_names("normal", opts.names, static_cast<int>(opts.shape.size()));
  Tensor keys = split(key);
  // Uniform on (-1, 1): the smallest value above -1 keeps erf_inv finite.
  const double lo = opts.type == f64   ? std::nextafter(-1.0, 0.0)
                    : opts.type == f32 ? static_cast<double>(std::nextafter(-1.0f, 0.0f))
                    : opts.type == f16 ? -1.0 + std::ldexp(1.0, -11)
                                       : -1.0 + std::ldexp(1.0, -8);
  Tensor u = uniform_from(row(keys, 1), lo, 1.0, opts.shape, opts.type);
  Tensor z = multiply(erf_inv(u), std::sqrt(2.0));
  return {rename(add(multiply(z, std), mean), opts.names), row(keys, 0)};
}

Sample randint(const Tensor& key, std::int64_t min, std::int64_t max, const RandintOptions& opts) {
  check_key("randint", key);
  if (!is_integer(opts.type)) raise("randint", "expected integer type, got type " + front::type_name(opts.type));
  if (opts.type.bits < 8)
    raise("randint", "expected an integer type of 8 to 64 bits, got " + front::type_name(opts.type));
  front::check_shape("randint", opts.shape);
  front::check_names("randint", opts.names, static_cast<int>(opts.shape.size()));
  const Type type = opts.type;
  const int nbits = type.bits;
  const Type ut{TypeClass::u, static_cast<std::uint8_t>(nbits)};
  Tensor keys = split(key);
  // Two words per element: the first half of the draw gives the higher,
  // the second half the lower bits.
  Shape two = opts.shape;
  two.insert(two.begin(), 2);
  Tensor words = reshape(random_bits(row(keys, 1), two, nbits), {2, shape_size(opts.shape)});
  Tensor higher = reshape(cut(words, {0, 0}, {1, shape_size(opts.shape)}), opts.shape);
  Tensor lower = reshape(cut(words, {1, 0}, {1, shape_size(opts.shape)}), opts.shape);
  // span = max - min as an unsigned value of the type width; 1 when max <= min.
  const BackendPtr& b = key.backend();
  Tensor lo = full({}, min, typed(type, b)), hi = full({}, max, typed(type, b));
  Tensor span = as_type(subtract(hi, lo), ut);
  span = select(less_equal(hi, lo), full({}, 1, typed(ut, b)), span);
  // multiplier = (2^(nbits/2) mod span)^2 mod span, all in the unsigned type.
  Tensor half_power = full({}, std::uint64_t{1} << (nbits / 2), typed(ut, b));
  Tensor multiplier = remainder(half_power, span);
  multiplier = remainder(multiply(multiplier, multiplier), span);
  Tensor offset = add(multiply(remainder(higher, span), multiplier), remainder(lower, span));
  offset = remainder(offset, span);
  return {rename(as_type(add(lo, as_type(offset, type)), type), opts.names), row(keys, 0)};
}

Sample shuffle(const Tensor& key, const Tensor& t, const Axis& axis) {
  check_key("shuffle", key);
  if (t.rank() == 0) raise("shuffle", "cannot shuffle a scalar tensor");
  const int ax = front::normalize_axis("shuffle", axis, t);
  Tensor keys = split(key);
  // A random permutation: stable argsort of random 32-bit sort keys.
  Tensor sort_keys = random_bits(row(keys, 1), {t.dim(ax)}, 32);
  SortOptions sort_opts;
  sort_opts.stable = true;
  Tensor perm = argsort(sort_keys, sort_opts);
  return {take(t, perm, ax), row(keys, 0)};
}

}  // namespace nx::random
