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
            const T* row = x + r * cols;  // read as it is stored: no scratch copy
            const double mean = sum_double(row, cols) / static_cast<double>(cols);
            // More correction than samples: a divisor of 0, so inf or NaN, as in PyTorch.
            double v = centered_squares(row, mean, cols) / divisor;
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
    const std::int64_t rows = call.require_rows(cols);
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
