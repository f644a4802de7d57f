// plugboard_cpu._native: the bindings. Every array argument is a plain py::array taken
// with noconvert, so pybind11 never copies or converts one: the kernels check dtype,
// layout and shape themselves (checks.hpp) and write `out` in place.
#include <pybind11/pybind11.h>

#include "checks.hpp"
#include "common.hpp"
#include "kernels.hpp"

namespace py = pybind11;
namespace pn = plugboard_native;

PYBIND11_MODULE(_native, m) {
    m.doc() = "plugboard-cpu's native kernels (C++17, threaded); the CPU backend chooses them "
              "for the dtypes and layouts they cover.";

    py::register_exception_translator([](std::exception_ptr p) {
        try {
            if (p) {
                std::rethrow_exception(p);
            }
        } catch (const pn::KernelArgumentError& e) {
            py::object cls = py::module_::import("plugboard").attr(e.kind.c_str());
            py::object error = cls(e.what(), py::arg("op") = e.op, py::arg("inputs") = e.inputs);
            PyErr_SetObject(cls.ptr(), error.ptr());
        }
    });

    py::list ops;
    for (const char* const* op = pn::unary_ops(); *op; ++op) {
        ops.append(*op);
    }
    m.attr("UNARY_OPS") = py::tuple(ops);
    m.attr("MAX_THREADS") = pn::max_threads();

    m.def("unary", &pn::unary, py::arg("op"), py::arg("x").noconvert(),
          py::arg("out").noconvert(), "out = op(x) elementwise, for op in UNARY_OPS.");
    m.def("softmax", &pn::softmax, py::arg("x").noconvert(), py::arg("out").noconvert(),
          py::arg("log") = false, "softmax (or log_softmax) over the last dimension.");
    m.def("layer_norm", &pn::layer_norm, py::arg("x").noconvert(), py::arg("weight").none(true),
          py::arg("bias").none(true), py::arg("eps"), py::arg("normalized"),
          py::arg("out").noconvert(), "layer_norm over the last `normalized` elements.");
    m.def("rms_norm", &pn::rms_norm, py::arg("x").noconvert(), py::arg("weight").none(true),
          py::arg("eps"), py::arg("normalized"), py::arg("out").noconvert(),
          "rms_norm over the last `normalized` elements.");
    m.def("sum_last", &pn::sum_last, py::arg("x").noconvert(), py::arg("cols"),
          py::arg("out").noconvert(), "The sum over rows of `cols` elements, in double.");
    m.def("im2col", &pn::im2col, py::arg("x").noconvert(), py::arg("cols").noconvert(),
          py::arg("kh"), py::arg("kw"), py::arg("sh"), py::arg("sw"), py::arg("ph"),
          py::arg("pw"), py::arg("dh"), py::arg("dw"),
          "The column matrix (C*KH*KW, N*OH*OW) of an (N, C, H, W) input.");
    m.def("binary", &pn::binary, py::arg("op"), py::arg("a"), py::arg("b"), py::arg("alpha"),
          py::arg("out").noconvert(),
          "float16 / bfloat16 add, sub, mul, div in float, rounded once.");
}
