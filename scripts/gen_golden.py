#!/usr/bin/python3
"""Writes golden input/output vectors computed by NumPy (an implementation
independent of this project) for the ops whose NumPy semantics equal Nx's.

    /usr/bin/python3 scripts/gen_golden.py      # rewrites tests/golden/*.txt

Only NumPy and the Python standard library are used (Debian's python3-numpy).
The C++ side (tests/golden_test.cpp) runs every case on every backend that can
hold the types involved. docs/oracle.md lists what NumPy cannot judge.

File format (one case per block, blank-line separated):

    case <id> <op> [key=value ...]        options: axes=0,2 keep=1 axis=1 tie=high
                                          type=u32 ca=1 cb=0 ba=0 bb=0 tol=1e-6
    in  <type> <shape> <values...>        shape: 2x3, or "scalar"
    out <type> <shape> <values...>

Integers are decimal; floats are Python float.hex() of the exact value (or
nan / inf / -inf); complex values are "re,im" in the same notation. tol is a
relative tolerance (also used as the absolute one); 0 or absent means exact.
"""

import math
import os
import sys

import numpy as np

NP = {
    "u8": np.uint8, "u16": np.uint16, "u32": np.uint32, "u64": np.uint64,
    "s8": np.int8, "s16": np.int16, "s32": np.int32, "s64": np.int64,
    "f16": np.float16, "f32": np.float32, "f64": np.float64,
    "c64": np.complex64, "c128": np.complex128,
}
INTS = ["u8", "u16", "u32", "u64", "s8", "s16", "s32", "s64"]
FLOATS = ["f16", "f32", "f64"]
COMPLEX = ["c64", "c128"]
# Relative tolerances for results NumPy computes with its own (correctly or
# nearly correctly rounded) kernels; integer results are always exact.
TOL = {"f16": 1e-3, "f32": 2e-6, "f64": 1e-13, "c64": 2e-6, "c128": 1e-13}
# Transcendental functions: NumPy's SIMD f32 kernels are within a few ulp.
FN_TOL = {"f16": 2e-3, "f32": 1e-5, "f64": 1e-13, "c64": 1e-5, "c128": 1e-12}

rng = np.random.default_rng(20240613)
OUT = []


def bits(t):
    return int(t[1:]) if t[0] in "us" else {"f16": 16, "f32": 32, "f64": 64}[t]


def fmt_value(t, v):
    if t in INTS:
        return str(int(v))
    if t in COMPLEX:
        return fmt_float(complex(v).real) + "," + fmt_float(complex(v).imag)
    return fmt_float(float(v))


def fmt_float(x):
    if math.isnan(x):
        return "nan"
    if math.isinf(x):
        return "inf" if x > 0 else "-inf"
    return float.hex(x)


def fmt_tensor(kind, t, a):
    a = np.asarray(a, dtype=NP[t])
    shape = "scalar" if a.ndim == 0 else "x".join(str(d) for d in a.shape)
    return "%s %s %s %s" % (kind, t, shape, " ".join(fmt_value(t, v) for v in a.reshape(-1)))


def case(op, ins, out, out_type, tol=0.0, **opts):
    """ins: list of (type, array); out: array of out_type."""
    cid = "%s_%d" % (op, len(OUT))
    opt = " ".join("%s=%s" % (k, v) for k, v in opts.items())
    if tol:
        opt = (opt + " tol=%g" % tol).strip()
    lines = ["case %s %s %s" % (cid, op, opt)]
    lines += [fmt_tensor("in", t, a) for t, a in ins]
    lines.append(fmt_tensor("out", out_type, out))
    OUT.append("\n".join(l.rstrip() for l in lines))


# ---------------------------------------------------------------- inputs

def ints(t, shape, lo=None, hi=None, nonzero=False):
    info = np.iinfo(NP[t])
    lo = info.min if lo is None else max(lo, info.min)
    hi = info.max if hi is None else min(hi, info.max)
    a = rng.integers(lo, hi, size=shape, dtype=np.int64 if t != "u64" else np.uint64, endpoint=True)
    a = a.astype(NP[t])
    if nonzero:
        a[a == 0] = 1
    return a


def floats(t, shape, lo=-100.0, hi=100.0, step=1 / 8):
    # multiples of 1/8: exact in every float type
    a = np.round(rng.uniform(lo, hi, size=shape) / step) * step
    return a.astype(NP[t])


def with_specials(a, specials=(np.nan, np.inf, -np.inf, -0.0, 0.0)):
    a = a.copy().reshape(-1)
    idx = rng.choice(a.size, size=min(len(specials), a.size), replace=False)
    for i, s in zip(idx, specials):
        a[i] = s
    return a.reshape(-1)


def complexes(t, shape, lo=-4.0, hi=4.0):
    return (floats("f64", shape, lo, hi) + 1j * floats("f64", shape, lo, hi)).astype(NP[t])


# ---------------------------------------------------------------- element-wise binary

def trunc_quotient(a, b):
    # C division on exact integers: (a - fmod(a, b)) / b, in int64/uint64 then wrapped.
    wide = np.uint64 if a.dtype == np.uint64 else np.int64
    q = (a.astype(wide) - np.fmod(a.astype(wide), b.astype(wide))) // b.astype(wide)
    return q


def gen_binary_ints():
    for t in INTS:
        n = 16
        a, b = ints(t, n), ints(t, n)
        with np.errstate(over="ignore"):
            case("add", [(t, a), (t, b)], a + b, t)
            case("subtract", [(t, a), (t, b)], a - b, t)
            case("multiply", [(t, a), (t, b)], a * b, t)
        case("bitwise_and", [(t, a), (t, b)], a & b, t)
        case("bitwise_or", [(t, a), (t, b)], a | b, t)
        case("bitwise_xor", [(t, a), (t, b)], a ^ b, t)
        case("max", [(t, a), (t, b)], np.maximum(a, b), t)
        case("min", [(t, a), (t, b)], np.minimum(a, b), t)
        # comparisons and logical ops on a small range (equal values, zeros)
        x, y = ints(t, n, -3, 3), ints(t, n, -3, 3)
        for op, f in [("equal", np.equal), ("not_equal", np.not_equal), ("greater", np.greater),
                      ("less", np.less), ("greater_equal", np.greater_equal), ("less_equal", np.less_equal),
                      ("logical_and", np.logical_and), ("logical_or", np.logical_or),
                      ("logical_xor", np.logical_xor)]:
            case(op, [(t, x), (t, y)], f(x, y).astype(np.uint8), "u8")
        d = ints(t, n, nonzero=True)
        if t[0] == "s":  # avoid INT_MIN / -1 (NumPy traps or warns); its own hand-valued tests cover it
            d[d == -1] = 3
        case("remainder", [(t, a), (t, d)], np.fmod(a, d), t)
        q = trunc_quotient(a, d)
        case("quotient", [(t, a), (t, d)], q.astype(NP[t]), t)
        base, e = ints(t, n, -7, 7), ints(t, n, 0, 9)
        with np.errstate(over="ignore"):
            case("pow", [(t, base), (t, e)], np.power(base, e), t)
        s = ints(t, n, 0, bits(t) - 1)
        with np.errstate(over="ignore"):
            case("left_shift", [(t, a), (t, s)], np.left_shift(a, s), t)
            case("right_shift", [(t, a), (t, s)], np.right_shift(a, s), t)


def gen_binary_floats():
    for t in FLOATS:
        n = 16
        a, b = floats(t, n), floats(t, n)
        tol = TOL[t] if t == "f16" else 0.0  # f32/f64 + - * / are correctly rounded both ways
        case("add", [(t, a), (t, b)], a + b, t, tol)
        case("subtract", [(t, a), (t, b)], a - b, t, tol)
        case("multiply", [(t, a), (t, b)], a * b, t, tol)
        d = floats(t, n)
        d[d == 0] = 0.5
        case("divide", [(t, a), (t, d)], a / d, t, TOL[t])
        case("remainder", [(t, a), (t, d)], np.fmod(a, d), t)
        sa, sb = with_specials(a), with_specials(b)
        with np.errstate(invalid="ignore"):
            case("max", [(t, sa), (t, sb)], np.maximum(sa, sb), t)
            case("min", [(t, sa), (t, sb)], np.minimum(sa, sb), t)
            for op, f in [("equal", np.equal), ("not_equal", np.not_equal), ("greater", np.greater),
                          ("less", np.less), ("greater_equal", np.greater_equal), ("less_equal", np.less_equal),
                          ("logical_and", np.logical_and), ("logical_or", np.logical_or),
                          ("logical_xor", np.logical_xor)]:
                case(op, [(t, sa), (t, sa[::-1].copy())], f(sa, sa[::-1]).astype(np.uint8), "u8")
            # IEEE +, -, * with non-finite operands
            case("add", [(t, sa), (t, sb)], sa + sb, t, tol)
            case("multiply", [(t, sa), (t, sb)], sa * sb, t, tol)
        # atan2 with signed zeros and infinities
        z = np.array([0.0, -0.0, 1.0, -1.0, np.inf, -np.inf], dtype=NP[t])
        y, x = np.repeat(z, 6), np.tile(z, 6)
        case("atan2", [(t, y), (t, x)], np.arctan2(y, x), t, FN_TOL[t])
        y, x = floats(t, n), floats(t, n)
        case("atan2", [(t, y), (t, x)], np.arctan2(y, x), t, FN_TOL[t])
        base, e = floats(t, n, 0.125, 4.0), floats(t, n, -3.0, 3.0)
        case("pow", [(t, base), (t, e)], np.power(base.astype(np.float64), e).astype(NP[t]), t, FN_TOL[t])


def gen_binary_complex():
    for t in COMPLEX:
        n = 12
        a, b = complexes(t, n), complexes(t, n)
        b[b == 0] = 1
        case("add", [(t, a), (t, b)], a + b, t)
        case("subtract", [(t, a), (t, b)], a - b, t)
        case("multiply", [(t, a), (t, b)], a * b, t, TOL[t])
        case("divide", [(t, a), (t, b)], a / b, t, TOL[t])
        c = a.copy()
        c[::3] = b[::3]
        case("equal", [(t, a), (t, c)], np.equal(a, c).astype(np.uint8), "u8")
        case("not_equal", [(t, a), (t, c)], np.not_equal(a, c).astype(np.uint8), "u8")


# ---------------------------------------------------------------- element-wise unary

def gen_unary():
    fns = [
        ("exp", np.exp, (-10, 10)), ("expm1", np.expm1, (-5, 5)), ("log", np.log, (0.125, 100)),
        ("log1p", np.log1p, (-0.875, 100)), ("sin", np.sin, (-10, 10)), ("cos", np.cos, (-10, 10)),
        ("tan", np.tan, (-1.25, 1.25)), ("sinh", np.sinh, (-5, 5)), ("cosh", np.cosh, (-5, 5)),
        ("tanh", np.tanh, (-5, 5)), ("asin", np.arcsin, (-1, 1)), ("acos", np.arccos, (-1, 1)),
        ("atan", np.arctan, (-10, 10)), ("asinh", np.arcsinh, (-10, 10)), ("acosh", np.arccosh, (1, 20)),
        ("atanh", np.arctanh, (-0.875, 0.875)), ("sqrt", np.sqrt, (0, 100)),
        ("rsqrt", lambda x: 1 / np.sqrt(x), (0.125, 100)), ("cbrt", np.cbrt, (-100, 100)),
        ("sigmoid", lambda x: 1 / (1 + np.exp(-x)), (-10, 10)),
        # the standard library's double-precision erf/erfc (NumPy has none)
        ("erf", np.vectorize(math.erf), (-3, 3)), ("erfc", np.vectorize(math.erfc), (-3, 8)),
    ]
    for t in ["f32", "f64"]:
        for op, f, (lo, hi) in fns:
            x = floats(t, 16, lo, hi)
            y = f(x.astype(np.float64)).astype(NP[t])  # evaluated in double, rounded once
            case(op, [(t, x)], y, t, FN_TOL[t])
    for t in FLOATS:
        x = with_specials(floats(t, 16, -10, 10))
        with np.errstate(invalid="ignore"):
            case("floor", [(t, x)], np.floor(x), t)
            case("ceil", [(t, x)], np.ceil(x), t)
            case("abs", [(t, x)], np.abs(x), t)
            case("negate", [(t, x)], np.negative(x), t)
            case("is_nan", [(t, x)], np.isnan(x).astype(np.uint8), "u8")
            case("is_infinity", [(t, x)], np.isinf(x).astype(np.uint8), "u8")
            case("exp", [(t, x)], np.exp(x.astype(np.float64)).astype(NP[t]), t, FN_TOL[t])
        nz = floats(t, 16, -10, 10)
        nz[nz == 0] = 2.5
        case("sign", [(t, nz)], np.sign(nz), t)
    for t in INTS:
        x = ints(t, 16)
        with np.errstate(over="ignore"):
            case("negate", [(t, x)], np.negative(x), t)
        case("bitwise_not", [(t, x)], np.invert(x), t)
        case("sign", [(t, x)], np.sign(x), t)
        if t[0] == "s":
            with np.errstate(over="ignore"):
                case("abs", [(t, x)], np.abs(x), t)
        # bit counts on the type-width pattern (standard library int.bit_count / bit_length)
        w = bits(t)
        u = x.astype(NP["u" + t[1:]]).astype(object)
        case("population_count", [(t, x)], np.array([bin(int(v)).count("1") for v in u]).astype(NP[t]), t)
        case("count_leading_zeros", [(t, x)], np.array([w - int(v).bit_length() for v in u]).astype(NP[t]), t)
    for t in COMPLEX:
        z = complexes(t, 12, -2, 2)
        z[z == 0] = 1
        for op, f in [("exp", np.exp), ("log", np.log), ("sqrt", np.sqrt), ("sin", np.sin), ("cos", np.cos),
                      ("tanh", np.tanh)]:
            case(op, [(t, z)], f(z.astype(np.complex128)).astype(NP[t]), t, FN_TOL[t])
        rt = "f32" if t == "c64" else "f64"
        case("abs", [(t, z)], np.abs(z.astype(np.complex128)).astype(NP[rt]), rt, TOL[rt])
        case("conjugate", [(t, z)], np.conjugate(z), t)
        case("real", [(t, z)], np.real(z), rt)
        case("imag", [(t, z)], np.imag(z), rt)
        case("negate", [(t, z)], np.negative(z), t)


# ---------------------------------------------------------------- reductions and friends

AGG = {"u8": "u32", "u16": "u32", "u32": "u32", "u64": "s64", "s8": "s32", "s16": "s32", "s32": "s32",
       "s64": "s64", "f16": "f16", "f32": "f32", "f64": "f64", "c64": "c64", "c128": "c128"}


def axes_opt(axes):
    return ",".join(str(a) for a in axes)


def gen_reductions():
    shape = (3, 4, 5)
    for t in INTS + FLOATS + COMPLEX:
        if t in INTS:
            x = ints(t, shape)
            p = ints(t, shape, -3, 3)
        elif t in FLOATS:
            x = floats(t, shape, -8, 8)
            p = floats(t, shape, -2, 2, 0.25)
        else:
            x = complexes(t, shape)
            p = complexes(t, shape, -1, 1)
        at = AGG[t]
        for axes in [(0,), (2,), (0, 2), (2, 0, 1)]:
            for keep in [0, 1]:
                ax = tuple(sorted(axes))
                with np.errstate(over="ignore"):
                    # sums in the accumulator type; floats accumulate in double and round once (like the reference)
                    acc = np.float64 if t in FLOATS else (np.complex128 if t in COMPLEX else NP[at])
                    s = np.sum(x.astype(acc), axis=ax, keepdims=bool(keep)).astype(NP[at])
                    pr = np.prod(p.astype(acc), axis=ax, keepdims=bool(keep)).astype(NP[at])
                tol = 0.0 if t in INTS else TOL[at]
                case("sum", [(t, x)], s, at, tol, axes=axes_opt(axes), keep=keep)
                # products of up to 60 factors: single-precision accumulation is within ~60 ulp
                case("product", [(t, p)], pr, at, 0.0 if t in INTS else FN_TOL[at], axes=axes_opt(axes), keep=keep)
                case("all", [(t, p)], np.all(p != 0, axis=ax, keepdims=bool(keep)).astype(np.uint8), "u8",
                     axes=axes_opt(axes), keep=keep)
                case("any", [(t, p)], np.any(p != 0, axis=ax, keepdims=bool(keep)).astype(np.uint8), "u8",
                     axes=axes_opt(axes), keep=keep)
                if t in COMPLEX:
                    continue
                xs = x if t in INTS else with_specials(x, (np.nan, np.inf, -np.inf)).reshape(shape)
                case("reduce_max", [(t, xs)], np.max(xs, axis=ax, keepdims=bool(keep)), t, axes=axes_opt(axes),
                     keep=keep)
                case("reduce_min", [(t, xs)], np.min(xs, axis=ax, keepdims=bool(keep)), t, axes=axes_opt(axes),
                     keep=keep)
        if t in COMPLEX:
            continue
        # arg-reductions: ties from a small value range; NaN-free (NumPy reports the first NaN, Nx the last)
        y = (ints(t, shape, -2, 2) if t in INTS else floats(t, shape, -1, 1, 0.5))
        for axis in [0, 1, 2]:
            for keep in [0, 1]:
                am = np.argmax(y, axis=axis)
                an = np.argmin(y, axis=axis)
                n = y.shape[axis]
                hm = n - 1 - np.argmax(np.flip(y, axis=axis), axis=axis)
                hn = n - 1 - np.argmin(np.flip(y, axis=axis), axis=axis)
                if keep:
                    am, an, hm, hn = (np.expand_dims(v, axis) for v in (am, an, hm, hn))
                case("argmax", [(t, y)], am, "s32", axis=axis, keep=keep)
                case("argmin", [(t, y)], an, "s32", axis=axis, keep=keep)
                case("argmax", [(t, y)], hm, "u32", axis=axis, keep=keep, tie="high", type="u32")
                case("argmin", [(t, y)], hn, "u32", axis=axis, keep=keep, tie="high", type="u32")
        case("argmax", [(t, y)], np.argmax(y), "s32")
        case("argmin", [(t, y)], np.argmin(y), "s32")


def gen_cumulative():
    for t in ["u8", "s8", "s32", "u64", "s64", "f32", "f64"]:
        x = ints(t, (4, 6)) if t in INTS else floats(t, (4, 6), -4, 4)
        for axis in [0, 1]:
            tol = 0.0 if t in INTS else TOL[t]
            with np.errstate(over="ignore"):
                case("cumulative_sum", [(t, x)], np.cumsum(x, axis=axis, dtype=NP[t]), t, tol, axis=axis)
                p = ints(t, (4, 6), -3, 3) if t in INTS else floats(t, (4, 6), -2, 2, 0.25)
                case("cumulative_product", [(t, p)], np.cumprod(p, axis=axis, dtype=NP[t]), t, tol, axis=axis)
            case("cumulative_max", [(t, x)], np.maximum.accumulate(x, axis=axis), t, axis=axis)
            case("cumulative_min", [(t, x)], np.minimum.accumulate(x, axis=axis), t, axis=axis)


def gen_dot():
    for t in ["s8", "u8", "s32", "u32", "s64", "f32", "f64", "c64"]:
        if t in INTS:
            a, b = ints(t, (3, 4)), ints(t, (4, 5))
        elif t in FLOATS:
            a, b = floats(t, (3, 4), -4, 4), floats(t, (4, 5), -4, 4)
        else:
            a, b = complexes(t, (3, 4)), complexes(t, (4, 5))
        tol = 0.0 if t in INTS else TOL[t]
        with np.errstate(over="ignore"):
            case("dot", [(t, a), (t, b)], np.matmul(a, b), t, tol, ca=1, cb=0)
            # contract a's axis 0 with b2's axis 0
            a2, b2 = a, (ints(t, (3, 2)) if t in INTS else a[:, :2].copy())
            case("dot", [(t, a2), (t, b2)], np.tensordot(a2, b2, axes=([0], [0])), t, tol, ca=0, cb=0)
            # batched: {2,3,4} . {2,4,2} over batch axis 0
            if t in INTS:
                u, v = ints(t, (2, 3, 4)), ints(t, (2, 4, 2))
            elif t in FLOATS:
                u, v = floats(t, (2, 3, 4), -4, 4), floats(t, (2, 4, 2), -4, 4)
            else:
                u, v = complexes(t, (2, 3, 4)), complexes(t, (2, 4, 2))
            case("dot", [(t, u), (t, v)], np.matmul(u, v), t, tol, ca=2, cb=1, ba=0, bb=0)


def gen_conversions():
    # int -> int wraps; float -> int truncates (in range); -> f16/f32 rounds to nearest even
    for src in INTS:
        x = ints(src, 16)
        for dst in INTS + ["f16", "f32", "f64"]:
            if dst == src:
                continue
            with np.errstate(over="ignore"):
                case("as_type", [(src, x)], x.astype(NP[dst]), dst, type=dst)
    for src in FLOATS:
        x = floats(src, 16, -100, 100)
        for dst in INTS:
            info = np.iinfo(NP[dst])
            y = np.clip(x, info.min, info.max)  # in range: truncation toward zero
            y = y.astype(NP[src])
            case("as_type", [(src, y)], np.trunc(y.astype(np.float64)).astype(NP[dst]), dst, type=dst)
        for dst in FLOATS + COMPLEX:
            if dst != src:
                case("as_type", [(src, x)], x.astype(NP[dst]), dst, type=dst)
    wide = rng.uniform(-1e6, 1e6, 16)
    wide[:4] = [70000.0, 65519.0, 65520.0, 1e-9]
    with np.errstate(over="ignore"):
        case("as_type", [("f64", wide)], wide.astype(np.float16), "f16", type="f16")
    case("as_type", [("f64", wide)], wide.astype(np.float32), "f32", type="f32")
    for src, dst in [("s8", "u8"), ("u16", "s16"), ("s32", "f32"), ("f32", "u32"), ("u64", "f64"),
                     ("s64", "f64"), ("f16", "u16"), ("s16", "f16")]:
        x = ints(src, 12) if src in INTS else floats(src, 12)
        case("bitcast", [(src, x)], x.view(NP[dst]), dst, type=dst)


def gen_select_clip_creation():
    for t in ["u8", "s16", "s32", "f16", "f32", "f64"]:
        p = ints("u8", 12, 0, 2)
        a = ints(t, 12) if t in INTS else floats(t, 12)
        b = ints(t, 12) if t in INTS else floats(t, 12)
        case("select", [("u8", p), (t, a), (t, b)], np.where(p != 0, a, b), t)
        lo, hi = (ints(t, (), -50, 0), ints(t, (), 0, 50)) if t in INTS else (floats(t, (), -50, 0), floats(t, (), 0, 50))
        case("clip", [(t, a), (t, lo), (t, hi)], np.minimum(np.maximum(a, lo), hi), t)
        case("clip", [(t, a), (t, hi), (t, lo)], np.minimum(np.maximum(a, hi), lo), t)  # min > max -> max
    for t in ["u8", "s8", "s32", "f16", "f32", "f64"]:
        case("iota", [], np.arange(4 * 70).astype(np.int64).astype(NP[t]).reshape(4, 70), t, shape="4x70")
        case("iota", [], np.broadcast_to(np.arange(70).astype(NP[t]), (4, 70)), t, shape="4x70", axis=1)
        case("eye", [], np.broadcast_to(np.eye(4, 3, dtype=NP[t]), (2, 4, 3)), t, shape="2x4x3")


def main():
    gen_binary_ints()
    gen_binary_floats()
    gen_binary_complex()
    gen_unary()
    gen_reductions()
    gen_cumulative()
    gen_dot()
    gen_conversions()
    gen_select_clip_creation()
    root = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "tests", "golden")
    os.makedirs(root, exist_ok=True)
    path = os.path.join(root, "numpy_golden.txt")
    with open(path, "w") as f:
        f.write("# Generated by scripts/gen_golden.py with NumPy %s; do not edit.\n\n" % np.__version__)
        f.write("\n\n".join(OUT) + "\n")
    print("wrote %d cases to %s" % (len(OUT), os.path.normpath(path)), file=sys.stderr)


if __name__ == "__main__":
    main()
