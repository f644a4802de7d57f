// layer_norm and rms_norm over the last `normalized` elements of each row: the moments
// in double (layer_norm's in two passes, no cancellation), then the normalised row,
// scaled (and shifted) in the computation type, rounded once.
#include <vector>

#include "checks.hpp"
#include "kernels.hpp"
#include "rows.hpp"

namespace plugboard_native {

namespace {

// Rows [begin, end), out of line so that the row loops get the AVX2 build.
template <typename T>
__attribute__((noinline)) PLUGBOARD_CLONES void layer_norm_block(
    const T* x, const T* w, const T* b, T* y, std::int64_t begin, std::int64_t end,
    std::int64_t cols, double eps) {
    using C = compute_t<T>;
    {
        std::vector<C> in(static_cast<std::size_t>(cols));
        std::vector<C> weight(w ? static_cast<std::size_t>(cols) : 0);
        std::vector<C> bias(b ? static_cast<std::size_t>(cols) : 0);
        const C* wv = w ? loaded(w, cols, weight.data()) : nullptr;
        const C* bv = b ? loaded(b, cols, bias.data()) : nullptr;
        for (std::int64_t r = begin; r < end; ++r) {
            const C* v = loaded(x + r * cols, cols, in.data());
            T* out = y + r * cols;
            const double mean = sum_double(v, cols) / static_cast<double>(cols);
            const double var = centered_squares(v, mean, cols) / static_cast<double>(cols);
            const C rstd = static_cast<C>(1.0 / std::sqrt(var + eps));
            const C mu = static_cast<C>(mean);
            if (wv && bv) {
                for (std::int64_t j = 0; j < cols; ++j) {
                    out[j] = Compute<T>::store((v[j] - mu) * rstd * wv[j] + bv[j]);
                }
            } else if (wv) {
                for (std::int64_t j = 0; j < cols; ++j) {
                    out[j] = Compute<T>::store((v[j] - mu) * rstd * wv[j]);
                }
            } else if (bv) {
                for (std::int64_t j = 0; j < cols; ++j) {
                    out[j] = Compute<T>::store((v[j] - mu) * rstd + bv[j]);
                }
            } else {
                for (std::int64_t j = 0; j < cols; ++j) {
                    out[j] = Compute<T>::store((v[j] - mu) * rstd);
                }
            }
        }
    }
}

template <typename T>
void layer_norm_rows(const T* x, const T* w, const T* b, T* y, std::int64_t rows,
                     std::int64_t cols, double eps) {
    parallel_for(rows, row_grain(cols, 16384), [=](std::int64_t begin, std::int64_t end) {
        layer_norm_block(x, w, b, y, begin, end, cols, eps);
    });
}

template <typename T>
void run(const py::array& x, const py::array* w, const py::array* b, py::array out,
         std::int64_t rows, std::int64_t cols, double eps) {
    const T* src = static_cast<const T*>(x.data());
    const T* wp = w ? static_cast<const T*>(w->data()) : nullptr;
    const T* bp = b ? static_cast<const T*>(b->data()) : nullptr;
    T* dst = static_cast<T*>(out.mutable_data());
    py::gil_scoped_release release;
    layer_norm_rows(src, wp, bp, dst, rows, cols, eps);
}

template <typename T>
__attribute__((noinline)) PLUGBOARD_CLONES void rms_norm_block(
    const T* x, const T* w, T* y, std::int64_t begin, std::int64_t end, std::int64_t cols,
    double eps) {
    using C = compute_t<T>;
    {
        std::vector<C> in(static_cast<std::size_t>(cols));
        std::vector<C> weight(w ? static_cast<std::size_t>(cols) : 0);
        const C* wv = w ? loaded(w, cols, weight.data()) : nullptr;
        for (std::int64_t r = begin; r < end; ++r) {
            const C* v = loaded(x + r * cols, cols, in.data());
            T* out = y + r * cols;
            const double ms = centered_squares(v, 0.0, cols) / static_cast<double>(cols);
            // x / sqrt(mean(x^2) + eps), then the weight: the decomposition's order.
            const C denominator = static_cast<C>(std::sqrt(ms + eps));
            if (wv) {
                for (std::int64_t j = 0; j < cols; ++j) {
                    out[j] = Compute<T>::store((v[j] / denominator) * wv[j]);
                }
            } else {
                for (std::int64_t j = 0; j < cols; ++j) {
                    out[j] = Compute<T>::store(v[j] / denominator);
                }
            }
        }
    }
}

template <typename T>
void rms_norm_rows(const T* x, const T* w, T* y, std::int64_t rows, std::int64_t cols,
                   double eps) {
    parallel_for(rows, row_grain(cols, 16384), [=](std::int64_t begin, std::int64_t end) {
        rms_norm_block(x, w, y, begin, end, cols, eps);
    });
}

template <typename T>
void run_rms(const py::array& x, const py::array* w, py::array out, std::int64_t rows,
             std::int64_t cols, double eps) {
    const T* src = static_cast<const T*>(x.data());
    const T* wp = w ? static_cast<const T*>(w->data()) : nullptr;
    T* dst = static_cast<T*>(out.mutable_data());
    py::gil_scoped_release release;
    rms_norm_rows(src, wp, dst, rows, cols, eps);
}

}  // namespace

void rms_norm(const py::array& x, const py::object& weight, double eps,
              std::int64_t normalized, py::array out) {
    std::vector<std::pair<std::string, py::array>> arrays{{"input", x}, {"out", out}};
    if (!weight.is_none()) {
        if (!py::isinstance<py::array>(weight)) {
            Call("rms_norm", arrays).fail("ArgumentError", "weight is neither an array nor "
                                          "None", "pass a NumPy array or None");
        }
        arrays.emplace_back("weight", py::reinterpret_borrow<py::array>(weight));
    }
    Call call("rms_norm", arrays);
    const DType d = call.dtype();
    call.require_contiguous();
    call.require_same_shape("input", "out");
    if (normalized <= 0 || numel(x) % normalized != 0) {
        call.fail("ShapeError", "the normalized size " + std::to_string(normalized) +
                  " does not divide the input's " + std::to_string(numel(x)) + " elements",
                  "pass the product of normalized_shape, the input's last dimensions");
    }
    const py::array wa = weight.is_none() ? py::array() : call["weight"];
    if (!weight.is_none()) {
        call.require_numel("weight", normalized);
    }
    const py::array* wp = weight.is_none() ? nullptr : &wa;
    const std::int64_t rows = numel(x) / normalized;
    switch (d) {
        case DType::f32: run_rms<float>(x, wp, out, rows, normalized, eps); break;
        case DType::f64: run_rms<double>(x, wp, out, rows, normalized, eps); break;
        case DType::f16: run_rms<half_t>(x, wp, out, rows, normalized, eps); break;
        case DType::bf16: run_rms<bfloat16_t>(x, wp, out, rows, normalized, eps); break;
    }
}

void layer_norm(const py::array& x, const py::object& weight, const py::object& bias,
                double eps, std::int64_t normalized, py::array out) {
    std::vector<std::pair<std::string, py::array>> arrays{{"input", x}, {"out", out}};
    for (const auto& [name, v] : {std::pair{"weight", &weight}, std::pair{"bias", &bias}}) {
        if (v->is_none()) {
            continue;
        }
        if (!py::isinstance<py::array>(*v)) {
            Call("layer_norm", arrays).fail("ArgumentError", std::string(name) + " is neither "
                                            "an array nor None", "pass a NumPy array or None");
        }
        arrays.emplace_back(name, py::reinterpret_borrow<py::array>(*v));
    }
    Call call("layer_norm", arrays);
    const DType d = call.dtype();
    call.require_contiguous();
    call.require_same_shape("input", "out");
    if (normalized <= 0 || numel(x) % normalized != 0) {
        call.fail("ShapeError", "the normalized size " + std::to_string(normalized) +
                  " does not divide the input's " + std::to_string(numel(x)) + " elements",
                  "pass the product of normalized_shape, the input's last dimensions");
    }
    const py::array wa = weight.is_none() ? py::array() : call["weight"];
    const py::array ba = bias.is_none() ? py::array() : call["bias"];
    if (!weight.is_none()) {
        call.require_numel("weight", normalized);
    }
    if (!bias.is_none()) {
        call.require_numel("bias", normalized);
    }
    const py::array* wp = weight.is_none() ? nullptr : &wa;
    const py::array* bp = bias.is_none() ? nullptr : &ba;
    const std::int64_t rows = numel(x) / normalized;
    switch (d) {
        case DType::f32: run<float>(x, wp, bp, out, rows, normalized, eps); break;
        case DType::f64: run<double>(x, wp, bp, out, rows, normalized, eps); break;
        case DType::f16: run<half_t>(x, wp, bp, out, rows, normalized, eps); break;
        case DType::bf16: run<bfloat16_t>(x, wp, bp, out, rows, normalized, eps); break;
    }
}

}  // namespace plugboard_native
