// softmax and log_softmax over the last dimension, one row per task: the row's max, the
// exponentials of x - max (in float for float16 and bfloat16) summed in double, then
// the product by the sum's reciprocal (softmax) or the subtraction of the log of the sum
// (log_softmax).
#include <limits>
#include <vector>

#include "checks.hpp"
#include "kernels.hpp"
#include "rows.hpp"

namespace plugboard_native {

namespace {

// The row's passes, out of line so that each loop is vectorised on its own.
template <typename C>
__attribute__((noinline)) PLUGBOARD_CLONES C row_max(const C* v, std::int64_t n) {
    // NaN is skipped here but reaches the sum, so its row is NaN as in NumPy.
    C lane[8];
    for (C& l : lane) {
        l = -std::numeric_limits<C>::infinity();
    }
    std::int64_t j = 0;
    for (; j + 8 <= n; j += 8) {
        for (int k = 0; k < 8; ++k) {
            lane[k] = v[j + k] > lane[k] ? v[j + k] : lane[k];
        }
    }
    for (; j < n; ++j) {
        lane[0] = v[j] > lane[0] ? v[j] : lane[0];
    }
    C peak = lane[0];
    for (const C l : lane) {
        peak = l > peak ? l : peak;
    }
    return peak;
}

template <typename C>
__attribute__((noinline)) PLUGBOARD_CLONES void exp_shifted(const C* v, C peak, C* e, std::int64_t n) {
#pragma GCC ivdep
    for (std::int64_t j = 0; j < n; ++j) {
        e[j] = exp_nonpositive_c(v[j] - peak);
    }
}

// e times the reciprocal of the sum: a product vectorises several times faster than a
// division, for an error of about one more half-ulp.
template <typename T, typename C>
__attribute__((noinline)) PLUGBOARD_CLONES void scale(const C* e, C factor, T* out, std::int64_t n) {
#pragma GCC ivdep
    for (std::int64_t j = 0; j < n; ++j) {
        out[j] = Compute<T>::store(e[j] * factor);
    }
}

template <typename T, typename C>
__attribute__((noinline)) PLUGBOARD_CLONES void subtract(const C* v, C peak, C lse, T* out, std::int64_t n) {
#pragma GCC ivdep
    for (std::int64_t j = 0; j < n; ++j) {
        out[j] = Compute<T>::store((v[j] - peak) - lse);
    }
}

// Three passes over each row (after the load into float for float16 and bfloat16): its
// max, the exponentials (written straight into out for float and double, which the scale
// then rewrites in place; into scratch otherwise) with their sum, then the scale or the
// subtraction.
template <typename T>
__attribute__((noinline)) PLUGBOARD_CLONES void softmax_block(
    const T* x, T* y, std::int64_t begin, std::int64_t end, std::int64_t cols, bool log) {
    using C = compute_t<T>;
    constexpr bool direct = std::is_same_v<T, C>;
    std::vector<C> in(direct ? 0 : static_cast<std::size_t>(cols));
    std::vector<C> work(direct && !log ? 0 : static_cast<std::size_t>(cols));
    for (std::int64_t r = begin; r < end; ++r) {
        const C* v = loaded(x + r * cols, cols, in.data());
        T* out = y + r * cols;
        const C peak = row_max(v, cols);
        C* e = work.data();
        if constexpr (direct) {
            e = log ? e : out;
        }
        exp_shifted(v, peak, e, cols);
        const double total = sum_double(e, cols);
        if (log) {
            subtract(v, peak, static_cast<C>(std::log(total)), out, cols);
        } else {
            scale(e, static_cast<C>(1.0 / total), out, cols);
        }
    }
}

template <typename T>
void softmax_rows(const T* x, T* y, std::int64_t rows, std::int64_t cols, bool log) {
    parallel_for(rows, row_grain(cols, 16384), [=](std::int64_t begin, std::int64_t end) {
        softmax_block(x, y, begin, end, cols, log);
    });
}

template <typename T>
void run(const py::array& x, py::array out, std::int64_t rows, std::int64_t cols,
         bool log) {
    const T* src = static_cast<const T*>(x.data());
    T* dst = static_cast<T*>(out.mutable_data());
    py::gil_scoped_release release;
    softmax_rows(src, dst, rows, cols, log);
}

}  // namespace

void softmax(const py::array& x, py::array out, bool log) {
    Call call(log ? "log_softmax" : "softmax", {{"self", x}, {"out", out}});
    const DType d = call.dtype();
    call.require_contiguous();
    call.require_same_shape("self", "out");
    const std::int64_t cols = x.ndim() ? static_cast<std::int64_t>(x.shape(x.ndim() - 1)) : 1;
    const std::int64_t rows = cols ? numel(x) / cols : 0;
    switch (d) {
        case DType::f32: run<float>(x, out, rows, cols, log); break;
        case DType::f64: run<double>(x, out, rows, cols, log); break;
        case DType::f16: run<half_t>(x, out, rows, cols, log); break;
        case DType::bf16: run<bfloat16_t>(x, out, rows, cols, log); break;
    }
}

}  // namespace plugboard_native
