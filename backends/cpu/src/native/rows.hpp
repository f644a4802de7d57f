// Helpers of the row-wise kernels (softmax, norms, sums): a row's sum in double with
// independent lanes (vectorisable, and the same order on every machine and thread count).
#pragma once

#include <cmath>
#include <cstdint>

#include "common.hpp"
#include "mathfun.hpp"

namespace plugboard_native {

inline float exp_c(float x) { return exp_f(x); }
inline double exp_c(double x) { return std::exp(x); }

template <typename C>
double sum_double(const C* v, std::int64_t n) {
    double lane[4] = {0.0, 0.0, 0.0, 0.0};
    std::int64_t i = 0;
    for (; i + 4 <= n; i += 4) {
        for (int k = 0; k < 4; ++k) {
            lane[k] += static_cast<double>(v[i + k]);
        }
    }
    for (; i < n; ++i) {
        lane[0] += static_cast<double>(v[i]);
    }
    return (lane[0] + lane[1]) + (lane[2] + lane[3]);
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
