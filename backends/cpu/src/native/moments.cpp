// var and std over the last dimension (or over everything): two passes in double, the
// mean and then the squared deviations from it, as the NumPy reference computes them.
// float32, float16 and bfloat16 only: their squares always fit in a double, so no row
// needs the reference's rescaling of float64's huge and tiny values.
#include <cmath>

#include "checks.hpp"
#include "kernels.hpp"
#include "rows.hpp"

namespace plugboard_native {

namespace {

template <typename T>
PLUGBOARD_CLONES void moment_rows(const T* x, T* y, std::int64_t rows, std::int64_t cols,
                                  double divisor, bool root) {
    using C = compute_t<T>;
    parallel_for(rows, row_grain(cols, 65536), [&](std::int64_t begin, std::int64_t end) {
        for (std::int64_t r = begin; r < end; ++r) {
            const T* row = x + r * cols;
            double lane[4] = {0.0, 0.0, 0.0, 0.0};
            std::int64_t i = 0;
            for (; i + 4 <= cols; i += 4) {
                for (int k = 0; k < 4; ++k) {
                    lane[k] += static_cast<double>(Compute<T>::load(row[i + k]));
                }
            }
            for (; i < cols; ++i) {
                lane[0] += static_cast<double>(Compute<T>::load(row[i]));
            }
            const double mean = ((lane[0] + lane[1]) + (lane[2] + lane[3])) /
                                static_cast<double>(cols);
            double square[4] = {0.0, 0.0, 0.0, 0.0};
            for (i = 0; i + 4 <= cols; i += 4) {
                for (int k = 0; k < 4; ++k) {
                    const double d = static_cast<double>(Compute<T>::load(row[i + k])) - mean;
                    square[k] += d * d;
                }
            }
            for (; i < cols; ++i) {
                const double d = static_cast<double>(Compute<T>::load(row[i])) - mean;
                square[0] += d * d;
            }
            // More correction than samples: a divisor of 0, so inf or NaN, as in PyTorch.
            double v = ((square[0] + square[1]) + (square[2] + square[3])) / divisor;
            if (root) {
                v = std::sqrt(v);
            }
            y[r] = Compute<T>::store(static_cast<C>(v));
        }
    });
}

template <typename T>
void run(const py::array& x, py::array out, std::int64_t rows, std::int64_t cols,
         double divisor, bool root) {
    const T* src = static_cast<const T*>(x.data());
    T* dst = static_cast<T*>(out.mutable_data());
    py::gil_scoped_release release;
    moment_rows(src, dst, rows, cols, divisor, root);
}

}  // namespace

void moment_last(const py::array& x, std::int64_t cols, double divisor, bool root,
                 py::array out) {
    Call call(root ? "std" : "var", {{"self", x}, {"out", out}});
    const DType d = call.dtype();
    call.require_contiguous();
    if (cols <= 0 || numel(x) % cols != 0) {
        call.fail("ShapeError", "a row of " + std::to_string(cols) + " elements does not "
                  "divide the input's " + std::to_string(numel(x)),
                  "pass the length of the input's last dimension");
    }
    const std::int64_t rows = numel(x) / cols;
    call.require_numel("out", rows);
    switch (d) {
        case DType::f32: run<float>(x, out, rows, cols, divisor, root); break;
        case DType::f16: run<half_t>(x, out, rows, cols, divisor, root); break;
        case DType::bf16: run<bfloat16_t>(x, out, rows, cols, divisor, root); break;
        case DType::f64:
            call.fail("DTypeError", "the native kernel covers float32, float16 and bfloat16",
                      "compute float64 with the NumPy kernel, which rescales rows whose "
                      "squares would overflow");
    }
}

}  // namespace plugboard_native
