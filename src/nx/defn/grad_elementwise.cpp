// Gradient rules of the element-wise family. Binary rules undo broadcasting
// by summing over the broadcast axes; ties of min/max split the gradient
// equally between both sides; comparison, bitwise, rounding and predicate
// ops pass no gradient. Complex values follow Nx's convention: rules are
// the holomorphic derivative (no conjugation), and a complex gradient G of
// z = a + ib stands for dL/da - i dL/db, so real(z) gets complex(g, 0),
// imag(z) gets complex(0, -g) and a real operand takes real(G).
#include <cmath>

#include "grad.hpp"

namespace nx::defn::grad {

namespace {

constexpr double kPi = 3.14159265358979323846;

std::vector<Tensor> binary_rule(const Node& n, const Tensor& out, const Tensor& g) {
  const Tensor& a = n.inputs[0];
  const Tensor& b = n.inputs[1];
  auto both = [&](const Tensor& ga, const Tensor& gb) {
    return std::vector<Tensor>{ga.defined() ? unbroadcast(ga, a.spec()) : Tensor{},
                               gb.defined() ? unbroadcast(gb, b.spec()) : Tensor{}};
  };
  switch (n.binary_op) {
    case BinaryOp::add: return both(g, g);
    case BinaryOp::subtract: return both(g, nx::negate(g));
    case BinaryOp::multiply: return both(nx::multiply(g, b), nx::multiply(g, a));
    case BinaryOp::divide:
      return both(nx::divide(g, b), nx::negate(nx::divide(nx::multiply(g, out), b)));
    case BinaryOp::pow: {
      // d/da = b a^(b-1); d/db = log(a) a^b (taken as 0 where a == 0, the limit
      // for positive exponents).
      Tensor ga = nx::multiply(g, nx::multiply(b, nx::pow(a, nx::subtract(b, 1))));
      Tensor safe_log = nx::select(nx::equal(a, 0), 0, nx::log(a));
      Tensor gb = nx::multiply(g, nx::multiply(safe_log, out));
      return both(ga, gb);
    }
    case BinaryOp::atan2: {
      Tensor den = nx::add(nx::multiply(a, a), nx::multiply(b, b));
      return both(nx::divide(nx::multiply(g, b), den), nx::negate(nx::divide(nx::multiply(g, a), den)));
    }
    case BinaryOp::min:
    case BinaryOp::max: {
      // The winning side takes g; on a tie each side takes g / 2.
      const bool is_max = n.binary_op == BinaryOp::max;
      Tensor a_wins = is_max ? nx::greater(a, b) : nx::less(a, b);
      Tensor b_wins = is_max ? nx::greater(b, a) : nx::less(b, a);
      Tensor half = nx::multiply(g, 0.5);
      Tensor tie = nx::equal(a, b);
      Tensor ga = nx::select(a_wins, g, nx::select(tie, half, 0));
      Tensor gb = nx::select(b_wins, g, nx::select(tie, half, 0));
      return both(ga, gb);
    }
    case BinaryOp::remainder: {
      // remainder(a, b) = a - b * trunc(a / b): d/da = 1, d/db = -trunc(a / b).
      Tensor q = nx::divide(a, b);
      Tensor trunc = nx::multiply(nx::sign(q), nx::floor(nx::abs(q)));
      return both(g, nx::negate(nx::multiply(g, trunc)));
    }
    default: return {Tensor{}, Tensor{}};  // quotient, bitwise, shifts, comparisons, logical ops
  }
}

Tensor unary_rule(const Node& n, const Tensor& out, const Tensor& g) {
  const Tensor& x = n.inputs[0];
  auto times = [&](const Tensor& d) { return nx::multiply(g, d); };
  auto over = [&](const Tensor& d) { return nx::divide(g, d); };
  switch (n.unary_op) {
    case UnaryOp::exp: return times(out);
    case UnaryOp::expm1: return times(nx::add(out, 1));
    case UnaryOp::log: return over(x);
    case UnaryOp::log1p: return over(nx::add(x, 1));
    case UnaryOp::sigmoid: return times(nx::multiply(out, nx::subtract(1, out)));
    case UnaryOp::cos: return nx::negate(times(nx::sin(x)));
    case UnaryOp::sin: return times(nx::cos(x));
    case UnaryOp::tan: return times(nx::add(1, nx::multiply(out, out)));
    case UnaryOp::cosh: return times(nx::sinh(x));
    case UnaryOp::sinh: return times(nx::cosh(x));
    case UnaryOp::tanh: return times(nx::subtract(1, nx::multiply(out, out)));
    case UnaryOp::acos: return nx::negate(over(nx::sqrt(nx::subtract(1, nx::multiply(x, x)))));
    case UnaryOp::asin: return over(nx::sqrt(nx::subtract(1, nx::multiply(x, x))));
    case UnaryOp::atan: return over(nx::add(1, nx::multiply(x, x)));
    case UnaryOp::acosh: return over(nx::sqrt(nx::subtract(nx::multiply(x, x), 1)));
    case UnaryOp::asinh: return over(nx::sqrt(nx::add(nx::multiply(x, x), 1)));
    case UnaryOp::atanh: return over(nx::subtract(1, nx::multiply(x, x)));
    case UnaryOp::sqrt: return over(nx::multiply(out, 2));
    case UnaryOp::rsqrt: return times(nx::multiply(nx::divide(out, x), -0.5));
    case UnaryOp::cbrt: return over(nx::multiply(nx::multiply(out, out), 3));
    case UnaryOp::erf: return times(nx::multiply(nx::exp(nx::negate(nx::multiply(x, x))), 2.0 / std::sqrt(kPi)));
    case UnaryOp::erfc: return times(nx::multiply(nx::exp(nx::negate(nx::multiply(x, x))), -2.0 / std::sqrt(kPi)));
    case UnaryOp::erf_inv: return times(nx::multiply(nx::exp(nx::multiply(out, out)), std::sqrt(kPi) / 2.0));
    case UnaryOp::abs:
      // Nx: the gradient at 0 is g (select(x >= 0, g, -g)).
      if (is_complex(x.type())) {
        // conj(z) / |z| (0 at z == 0), in the convention stated in the header.
        Tensor mag = nx::abs(x);
        Tensor unit = nx::divide(nx::conjugate(x), nx::select(nx::equal(mag, 0), 1, mag));
        return nx::multiply(nx::real(g), unit);
      }
      return nx::select(nx::greater_equal(x, 0), g, nx::negate(g));
    case UnaryOp::negate: return nx::negate(g);
    case UnaryOp::conjugate: return nx::conjugate(g);
    case UnaryOp::real: return is_complex(x.type()) ? nx::complex(g, 0) : g;
    case UnaryOp::imag: return nx::complex(0, nx::negate(g));
    default: return {};  // ceil, floor, round, sign, bitwise_not, counts, is_nan, is_infinity
  }
}

}  // namespace

std::vector<Tensor> elementwise(const Node& n, const std::vector<Tensor>& self, const std::vector<Tensor>& gs) {
  const Tensor& g = gs[0];
  const Tensor& out = self[0];
  switch (n.op) {
    case Op::binary: return binary_rule(n, out, g);
    case Op::unary: {
      Tensor r = unary_rule(n, out, g);
      return {r};
    }
    case Op::select: {
      const Tensor& pred = n.inputs[0];
      Tensor zero = constant(0, g.type());
      return {Tensor{}, unbroadcast(nx::select(pred, g, zero), n.inputs[1].spec()),
              unbroadcast(nx::select(pred, zero, g), n.inputs[2].spec())};
    }
    case Op::clip: {
      // The operand takes g strictly inside (min, max); min takes it where
      // it bound from below, max where it bound from above.
      const Tensor &x = n.inputs[0], &lo = n.inputs[1], &hi = n.inputs[2];
      Tensor zero = constant(0, g.type());
      Tensor inside = nx::logical_and(nx::greater(x, lo), nx::less(x, hi));
      Tensor gx = nx::select(inside, g, zero);
      Tensor glo = nx::select(nx::logical_and(nx::greater_equal(lo, x), nx::less(lo, hi)), g, zero);
      Tensor ghi = nx::select(nx::logical_or(nx::greater_equal(x, hi), nx::greater_equal(lo, hi)), g, zero);
      // Where x == lo (or x == hi) Nx gives the gradient to the bound.
      return {gx, unbroadcast(glo, lo.spec()), unbroadcast(ghi, hi.spec())};
    }
    case Op::as_type:
      if (!is_float(n.inputs[0].type())) return {Tensor{}};
      if (!is_complex(n.inputs[0].type()) && is_complex(g.type())) return {nx::as_type(nx::real(g), n.inputs[0].type())};
      return {nx::as_type(g, n.inputs[0].type())};
    case Op::phase: return through_composition(n, gs);
    default: return none(n);  // bitcast, logical_not, all_close
  }
}

}  // namespace nx::defn::grad
