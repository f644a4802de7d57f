// im2col for conv2d: the column matrix (C * KH * KW, N * OH * OW), so that one GEMM
// (NumPy's BLAS, threaded) per group covers every image: BLAS runs a (O, K) x (K, N * L)
// product several times faster than N products of (O, K) x (K, L). Each (image,
// channel) task writes its KH * KW row segments, zeros where a window reaches the
// padding; float16 and bfloat16 inputs give float columns.
#include "checks.hpp"
#include "kernels.hpp"
#include "rows.hpp"

namespace plugboard_native {

namespace {

struct Geometry {
    std::int64_t n, c, h, w, kh, kw, sh, sw, ph, pw, dh, dw, oh, ow;
};

// The first output column ox whose input column ox * s - p + offset is at least 0; with
// p + w for p, the first whose input column is past the row's end.
inline std::int64_t first_inside(std::int64_t p, std::int64_t offset, std::int64_t s) {
    const std::int64_t need = p - offset;  // ox * s >= need
    return need <= 0 ? 0 : (need + s - 1) / s;
}

// One row segment: zeros where the windows reach the left padding, the input row read
// with stride s, zeros where they reach the right padding.
template <typename T>
PLUGBOARD_INLINE void window_row(const T* src, compute_t<T>* dst, std::int64_t begin, std::int64_t end,
                       std::int64_t ow, std::int64_t s, std::int64_t ix0) {
    using C = compute_t<T>;
    for (std::int64_t ox = 0; ox < begin; ++ox) {
        dst[ox] = C(0);
    }
    if (s == 1) {  // a contiguous copy, which vectorises
        for (std::int64_t ox = begin; ox < end; ++ox) {
            dst[ox] = Compute<T>::load(src[ox + ix0]);
        }
    } else {
        for (std::int64_t ox = begin; ox < end; ++ox) {
            dst[ox] = Compute<T>::load(src[ox * s + ix0]);
        }
    }
    for (std::int64_t ox = end; ox < ow; ++ox) {
        dst[ox] = C(0);
    }
}

// (image, channel) tasks [begin, end), out of line for the AVX2 build.
template <typename T>
__attribute__((noinline)) PLUGBOARD_CLONES void im2col_block(
    const T* x, compute_t<T>* cols, const Geometry& g, std::int64_t begin, std::int64_t end) {
    using C = compute_t<T>;
    const std::int64_t l = g.oh * g.ow;
    const std::int64_t width = g.n * l;  // a row of the column matrix
    for (std::int64_t nc = begin; nc < end; ++nc) {
        const std::int64_t n = nc / g.c;
        const std::int64_t c = nc % g.c;
        const T* plane = x + nc * g.h * g.w;
        for (std::int64_t i = 0; i < g.kh; ++i) {
            for (std::int64_t j = 0; j < g.kw; ++j) {
                C* row = cols + ((c * g.kh + i) * g.kw + j) * width + n * l;
                const std::int64_t offset = j * g.dw;
                const std::int64_t lo = std::min(g.ow, first_inside(g.pw, offset, g.sw));
                const std::int64_t hi =
                    std::max(lo, std::min(g.ow, first_inside(g.pw + g.w, offset, g.sw)));
                for (std::int64_t oy = 0; oy < g.oh; ++oy) {
                    C* dst = row + oy * g.ow;
                    const std::int64_t iy = oy * g.sh - g.ph + i * g.dh;
                    if (iy < 0 || iy >= g.h) {
                        for (std::int64_t ox = 0; ox < g.ow; ++ox) {
                            dst[ox] = C(0);
                        }
                        continue;
                    }
                    window_row(plane + iy * g.w, dst, lo, hi, g.ow, g.sw, offset - g.pw);
                }
            }
        }
    }
}

template <typename T>
void im2col_tasks(const T* x, compute_t<T>* cols, const Geometry& g) {
    parallel_for(g.n * g.c, row_grain(g.kh * g.kw * g.oh * g.ow, 32768),
                 [x, cols, &g](std::int64_t begin, std::int64_t end) {
        im2col_block(x, cols, g, begin, end);
    });
}

template <typename T>
void run(const py::array& x, py::array cols, const Geometry& g) {
    const T* src = static_cast<const T*>(x.data());
    auto* dst = static_cast<compute_t<T>*>(cols.mutable_data());
    py::gil_scoped_release release;
    im2col_tasks(src, dst, g);
}

}  // namespace

void im2col(const py::array& x, py::array cols, std::int64_t kh, std::int64_t kw,
            std::int64_t sh, std::int64_t sw, std::int64_t ph, std::int64_t pw,
            std::int64_t dh, std::int64_t dw) {
    Call input("conv2d", {{"input", x}});
    Call output("conv2d", {{"out", cols}});
    const DType d = input.dtype();
    const DType dc = output.dtype();
    const DType wanted = d == DType::f64 ? DType::f64 : DType::f32;
    if (dc != wanted) {
        output.fail("DTypeError", std::string("the columns of a ") + dtype_name(d) +
                    " input are " + dtype_name(wanted) + ", not " + dtype_name(dc),
                    "allocate the column matrix in the input's computation dtype");
    }
    input.require_contiguous();
    output.require_contiguous();
    if (x.ndim() != 4 || cols.ndim() != 2 || kh <= 0 || kw <= 0 || sh <= 0 || sw <= 0 ||
        ph < 0 || pw < 0 || dh <= 0 || dw <= 0) {
        input.fail("ShapeError", "im2col takes an (N, C, H, W) input, a (C*KH*KW, N*OH*OW) "
                   "column matrix, positive kernel sizes, strides and dilations and "
                   "non-negative padding", "pass the conv2d geometry the meta function checked");
    }
    Geometry g{x.shape(0), x.shape(1), x.shape(2), x.shape(3), kh, kw, sh, sw, ph, pw, dh, dw,
               0, 0};
    g.oh = (g.h + 2 * ph - dh * (kh - 1) - 1) / sh + 1;
    g.ow = (g.w + 2 * pw - dw * (kw - 1) - 1) / sw + 1;
    if (g.oh <= 0 || g.ow <= 0 || cols.shape(0) != g.c * kh * kw ||
        cols.shape(1) != g.n * g.oh * g.ow) {
        output.fail("ShapeError", "the column matrix must be (" +
                    std::to_string(g.c * kh * kw) + ", " + std::to_string(g.n * g.oh * g.ow) +
                    ") for this input and geometry", "allocate it with that shape");
    }
    switch (d) {
        case DType::f32: run<float>(x, cols, g); break;
        case DType::f64: run<double>(x, cols, g); break;
        case DType::f16: run<half_t>(x, cols, g); break;
        case DType::bf16: run<bfloat16_t>(x, cols, g); break;
    }
}

}  // namespace plugboard_native
