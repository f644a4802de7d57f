// Helpers of the row-wise kernels (softmax, norms, sums): a row's sum in double with
// independent lanes (vectorisable, and the same order on every machine and thread count).
#pragma once

#include <cmath>
#include <cstdint>

#include "common.hpp"
#include "mathfun.hpp"

namespace plugboard_native {

// exp of x <= 0 (x - max in softmax) in the computation type.
inline float exp_nonpositive_c(float x) { return exp_nonpositive_f(x); }
inline double exp_nonpositive_c(double x) { return std::exp(x); }

// Sixteen lanes: four AVX2 vectors of doubles (eight SSE2 ones) added independently, so
// the adds overlap instead of waiting on one accumulator; the lanes combine in a fixed
// tree, the same on every build.
constexpr int kLanes = 16;

PLUGBOARD_INLINE double combine(const double* lane) {
    double half[kLanes / 2];
    for (int k = 0; k < kLanes / 2; ++k) {
        half[k] = lane[k] + lane[k + kLanes / 2];
    }
    return ((half[0] + half[4]) + (half[2] + half[6])) +
           ((half[1] + half[5]) + (half[3] + half[7]));
}

// v's elements in double: a float16 or bfloat16 element through its computation type.
template <typename T>
PLUGBOARD_INLINE double as_double(T v) {
    return static_cast<double>(Compute<T>::load(v));
}

template <typename T>
PLUGBOARD_INLINE double sum_double(const T* v, std::int64_t n) {
    double lane[kLanes] = {};
    std::int64_t i = 0;
    for (; i + kLanes <= n; i += kLanes) {
        for (int k = 0; k < kLanes; ++k) {
            lane[k] += as_double(v[i + k]);
        }
    }
    for (int k = 0; i < n; ++i, ++k) {
        lane[k] += as_double(v[i]);
    }
    return combine(lane);
}

// The sum of (v - mean)^2 in double, in the lanes of sum_double.
template <typename T>
PLUGBOARD_INLINE double centered_squares(const T* v, double mean, std::int64_t n) {
    double lane[kLanes] = {};
    std::int64_t i = 0;
    for (; i + kLanes <= n; i += kLanes) {
        for (int k = 0; k < kLanes; ++k) {
            const double c = as_double(v[i + k]) - mean;
            lane[k] += c * c;
        }
    }
    for (int k = 0; i < n; ++i, ++k) {
        const double c = as_double(v[i]) - mean;
        lane[k] += c * c;
    }
    return combine(lane);
}

// The row's elements in its computation type: the row itself (float, double), or
// `scratch` filled from the row (float16, bfloat16).
template <typename T>
const compute_t<T>* loaded(const T* row, std::int64_t n, compute_t<T>* scratch) {
    if constexpr (std::is_same_v<T, compute_t<T>>) {
        return row;
    } else {
        for (std::int64_t i = 0; i < n; ++i) {
            scratch[i] = Compute<T>::load(row[i]);
        }
        return scratch;
    }
}

// Rows per thread slice: about `work` elements, at least one row.
inline std::int64_t row_grain(std::int64_t cols, std::int64_t work) {
    return cols > 0 ? std::max<std::int64_t>(1, work / cols) : 1;
}

}  // namespace plugboard_native
