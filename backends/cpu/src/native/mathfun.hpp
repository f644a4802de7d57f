// Scalar functions written without branches on the value or calls into libm, so that
// the kernels' loops over them vectorise; each says its accuracy.
#pragma once

#include <cmath>
#include <cstdint>
#include <limits>

#include "common.hpp"

namespace plugboard_native {

// Cephes' expf core: for a clamped xc, n = round(xc log2 e) and e^r for the rest r
// (xc = n ln 2 + r, ln 2 in two parts), by a degree-5 polynomial: exp(xc) = e^r 2^n.
PLUGBOARD_INLINE float exp_reduced(float xc, std::int32_t& n) {
    // Round to the nearest integer by adding and subtracting 1.5 * 2^23.
    float fn = xc * 1.44269504088896341f;
    fn = (fn + 12582912.0f) - 12582912.0f;
    float r = xc - fn * 0.693359375f;
    r = r - fn * -2.12194440e-4f;
    float p = 1.9875691500e-4f;
    p = p * r + 1.3981999507e-3f;
    p = p * r + 8.3334519073e-3f;
    p = p * r + 4.1665795894e-2f;
    p = p * r + 1.6666665459e-1f;
    p = p * r + 5.0000001201e-1f;
    n = static_cast<std::int32_t>(fn);
    return p * r * r + r + 1.0f;
}

// exp in float: Cephes' expf, within 1 ULP of the exact value over the whole range; inf
// above ln(FLT_MAX), 0 below the smallest subnormal's log, NaN for NaN.
inline float exp_f(float x) {
    const float hi = 88.72283935546875f;
    const float lo = -103.972084045410f;
    std::int32_t n = 0;
    float y = exp_reduced(x < lo ? lo : (x > hi ? hi : x), n);
    // 2^n in two factors, so that n down to -150 (subnormal results) stays representable.
    const std::int32_t n1 = n / 2;
    const std::int32_t n2 = n - n1;
    y = y * bits_to_float(static_cast<std::uint32_t>(n1 + 127) << 23);
    y = y * bits_to_float(static_cast<std::uint32_t>(n2 + 127) << 23);
    y = x > hi ? std::numeric_limits<float>::infinity() : y;
    return x < lo ? 0.0f : y;
}

// exp_f for x <= 0 (softmax's x - max, gelu's -z^2), in fewer steps: no overflow to
// handle, and below about -87.34 (results under FLT_MIN, which those callers' sums and
// products do not feel) 0, so that 2^n is one factor. The same bits as exp_f above that;
// NaN for NaN.
inline float exp_nonpositive_f(float x) {
    const float lo = -87.33f;  // x * log2(e) rounds to n >= -126: 2^n is normal
    std::int32_t n = 0;
    const float y = exp_reduced(x < lo ? lo : x, n);
    return x < lo ? 0.0f : y * bits_to_float(static_cast<std::uint32_t>(n + 127) << 23);
}

// 1 + erf(x / sqrt(2)) for gelu: erfc(|z|) by Abramowitz and Stegun 7.1.26 (absolute
// error below 1.5e-7), so the negative side, where 1 + erf cancels, keeps its digits.
inline float one_plus_erf_scaled_f(float x) {
    const float z = std::fabs(x) * 0.707106781186547524f;
    const float t = 1.0f / (1.0f + 0.3275911f * z);
    const float poly =
        t * (0.254829592f +
             t * (-0.284496736f + t * (1.421413741f + t * (-1.453152027f + t * 1.061405429f))));
    const float q = poly * exp_nonpositive_f(-z * z);
    return x >= 0.0f ? 2.0f - q : q;
}

}  // namespace plugboard_native
